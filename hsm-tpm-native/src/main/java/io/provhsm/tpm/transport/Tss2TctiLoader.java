package io.provhsm.tpm.transport;

import com.sun.jna.Function;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import io.provhsm.HsmUnavailableException;
import java.util.List;

/**
 * JNA bindings to tpm2-tss's TCTI loader ({@code libtss2-tctildr}) and to the function pointers of a
 * {@code TSS2_TCTI_CONTEXT}: {@code Tss2_Tcti_Transmit/Receive} are C macros, not exported symbols.
 */
final class Tss2TctiLoader {
    /** Debian packages that carry the library, named in the error when it is missing. */
    static final String PACKAGES = "libtss2-tctildr0 (runtime) or libtss2-dev";
    /** {@code TSS2_TCTI_TIMEOUT_BLOCK}. */
    static final int TIMEOUT_BLOCK = -1;

    interface Library2 extends Library {
        int Tss2_TctiLdr_Initialize(String nameConf, PointerByReference context);

        void Tss2_TctiLdr_Finalize(PointerByReference context);
    }

    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** {@code size_t}. */
    public static final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    /**
     * The leading fields every TCTI context shares ({@code TSS2_TCTI_CONTEXT_COMMON_V2} up to setLocality):
     * {@code u64 magic; u32 version; transmit; receive; finalize; cancel; getPollHandles; setLocality}.
     */
    @Structure.FieldOrder({"magic", "version", "transmit", "receive", "finalize", "cancel", "getPollHandles", "setLocality"})
    public static final class CommonContext extends Structure {
        public long magic;
        public int version;
        public Pointer transmit;
        public Pointer receive;
        public Pointer finalize;
        public Pointer cancel;
        public Pointer getPollHandles;
        public Pointer setLocality;

        public CommonContext(Pointer context) {
            super(context);
            read();
        }

        public CommonContext() {
        }

        static int transmitOffset() {
            return new CommonContext().fieldOffset("transmit");
        }
    }

    private static volatile Library2 library;
    private static volatile String loadFailure;

    private Tss2TctiLoader() {
    }

    /** The loaded library; the error names the Debian package when it is missing. */
    static Library2 library() {
        Library2 loaded = library;
        if (loaded != null) {
            return loaded;
        }
        synchronized (Tss2TctiLoader.class) {
            if (library == null) {
                if (loadFailure != null) {
                    throw missing(loadFailure);
                }
                quietLogging();
                UnsatisfiedLinkError first = null;
                // the unversioned name exists only with libtss2-dev; the runtime package has the .so.0
                for (String name : List.of("tss2-tctildr", "libtss2-tctildr.so.0")) {
                    try {
                        library = Native.load(name, Library2.class);
                        break;
                    } catch (UnsatisfiedLinkError e) {
                        first = first == null ? e : first;
                    }
                }
                if (library == null) {
                    loadFailure = first == null ? "not found" : first.getMessage();
                    throw missing(loadFailure);
                }
            }
            return library;
        }
    }

    /** Whether the library can be loaded here; never throws. */
    static String unavailableReason() {
        try {
            library();
            return null;
        } catch (HsmUnavailableException e) {
            return e.getMessage();
        }
    }

    private static HsmUnavailableException missing(String detail) {
        return new HsmUnavailableException("tpm2-tss TCTI loader libtss2-tctildr cannot be loaded (" + detail
                + "); install the Debian package " + PACKAGES);
    }

    /** tpm2-tss logs every failed connection to stderr unless TSS2_LOG says otherwise; keep a caller's choice. */
    private static void quietLogging() {
        if (System.getenv("TSS2_LOG") == null && !Platform.isWindows()) {
            try {
                Native.load(Platform.C_LIBRARY_NAME, LibC.class).setenv("TSS2_LOG", "all+none", 0);
            } catch (UnsatisfiedLinkError ignored) {
                // logging stays at tpm2-tss's default
            }
        }
    }

    static Function function(Pointer pointer, String what) {
        if (pointer == null) {
            throw new HsmUnavailableException("TPM unreachable: the TCTI context has no " + what + " function");
        }
        return Function.getFunction(pointer);
    }
}
