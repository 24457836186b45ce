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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** The library name JNA tries first; the unversioned name exists only with libtss2-dev, so .so.0 follows. */
    static final String DEFAULT_LIBRARY = "tss2-tctildr";
    private static final Map<String, Library2> LOADED = new ConcurrentHashMap<>();

    private Tss2TctiLoader() {
    }

    /** The loaded library ({@code name}: a name or path; null: the default); the error names the Debian package. */
    static Library2 library(String name) {
        String key = name == null ? DEFAULT_LIBRARY : name;
        Library2 loaded = LOADED.get(key);
        if (loaded != null) {
            return loaded;
        }
        synchronized (Tss2TctiLoader.class) {
            quietLogging();
            List<String> candidates = name == null ? List.of(DEFAULT_LIBRARY, "libtss2-tctildr.so.0") : List.of(name);
            UnsatisfiedLinkError first = null;
            for (String candidate : candidates) {
                try {
                    Library2 library = Native.load(candidate, Library2.class);
                    LOADED.put(key, library);
                    return library;
                } catch (UnsatisfiedLinkError e) {
                    first = first == null ? e : first;
                }
            }
            throw missing(key, first == null ? "not found" : first.getMessage());
        }
    }

    /** Why the library cannot be loaded here, or null; never throws. */
    static String unavailableReason(String name) {
        try {
            library(name);
            return null;
        } catch (HsmUnavailableException e) {
            return e.getMessage();
        }
    }

    private static HsmUnavailableException missing(String name, String detail) {
        return new HsmUnavailableException("tpm2-tss TCTI loader libtss2-tctildr cannot be loaded as '" + name + "' ("
                + detail + "); install the Debian package " + PACKAGES);
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
