package io.provhsm.tpm.transport;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import io.provhsm.HsmUnavailableException;

/**
 * The TPM of a Windows machine through TPM Base Services ({@code tbs.dll}). Unlike TSS.Java's
 * {@code TpmDeviceTbs}, the context handle is pointer-sized ({@code TBS_HCONTEXT} is a {@code PVOID}),
 * which matters on 64-bit Windows.
 */
public final class TbsTransport extends TpmTransport {
    /** {@code TPM_VERSION_20}. */
    static final int TPM_VERSION_20 = 2;
    /** {@code TBS_CONTEXT_PARAMS2.includeTpm20}: third bit of the flags union. */
    static final int INCLUDE_TPM20 = 1 << 2;
    static final int TBS_COMMAND_LOCALITY_ZERO = 0;
    static final int TBS_COMMAND_PRIORITY_NORMAL = 200;

    /** The three functions of tbs.dll this transport calls. */
    public interface TbsLibrary extends StdCallLibrary {
        int Tbsi_Context_Create(ContextParams2 params, PointerByReference context);

        int Tbsip_Submit_Command(Pointer context, int locality, int priority, byte[] command, int commandLength,
                                 byte[] result, IntByReference resultLength);

        int Tbsip_Context_Close(Pointer context);
    }

    /** {@code TBS_CONTEXT_PARAMS2}: {@code UINT32 version; union { bit fields; UINT32 asUINT32; }}. */
    @Structure.FieldOrder({"version", "flags"})
    public static final class ContextParams2 extends Structure {
        public int version = TPM_VERSION_20;
        public int flags = INCLUDE_TPM20;
    }

    private final TbsLibrary library;
    private Pointer context;
    private final byte[] responseBuffer = new byte[MAX_RESPONSE];

    /** Uses {@code tbs.dll}; only on Windows. */
    public TbsTransport() {
        this(loadTbs());
    }

    /** Uses the given binding of tbs.dll (tests use a stand-in, since tbs.dll exists only on Windows). */
    public TbsTransport(TbsLibrary library) {
        this.library = library;
    }

    private static TbsLibrary loadTbs() {
        if (!Platform.isWindows()) {
            throw new HsmUnavailableException("TPM unreachable (tbs): TPM Base Services (tbs.dll) exist only on Windows");
        }
        try {
            return Native.load("tbs", TbsLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            throw new HsmUnavailableException("TPM unreachable (tbs): tbs.dll cannot be loaded: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "tbs";
    }

    @Override
    public void open() {
        if (context != null) {
            return;
        }
        PointerByReference handle = new PointerByReference();
        int rc = library.Tbsi_Context_Create(new ContextParams2(), handle);
        if (rc != 0 || handle.getValue() == null) {
            throw unreachable("Tbsi_Context_Create failed with " + tbsResult(rc), null);
        }
        context = handle.getValue();
    }

    @Override
    protected byte[] transact(byte[] command) {
        open();
        IntByReference length = new IntByReference(responseBuffer.length);
        int rc = library.Tbsip_Submit_Command(context, TBS_COMMAND_LOCALITY_ZERO, TBS_COMMAND_PRIORITY_NORMAL, command,
                command.length, responseBuffer, length);
        if (rc != 0) {
            disconnect();
            throw unreachable("Tbsip_Submit_Command failed with " + tbsResult(rc), null);
        }
        int size = length.getValue();
        if (size < 0 || size > responseBuffer.length) {
            disconnect();
            throw unreachable("Tbsip_Submit_Command reported " + size + " response bytes", null);
        }
        byte[] response = new byte[size];
        System.arraycopy(responseBuffer, 0, response, 0, size);
        return response;
    }

    @Override
    protected void disconnect() {
        Pointer current = context;
        context = null;
        if (current != null) {
            library.Tbsip_Context_Close(current);
        }
    }

    static String tbsResult(int rc) {
        String name = switch (rc) {
            case 0x80284001 -> "TBS_E_INTERNAL_ERROR";
            case 0x80284002 -> "TBS_E_BAD_PARAMETER";
            case 0x80284003 -> "TBS_E_INVALID_OUTPUT_POINTER";
            case 0x80284004 -> "TBS_E_INVALID_CONTEXT";
            case 0x80284005 -> "TBS_E_INSUFFICIENT_BUFFER";
            case 0x80284006 -> "TBS_E_IOERROR";
            case 0x80284008 -> "TBS_E_TPM_NOT_FOUND";
            case 0x80284009 -> "TBS_E_SERVICE_DISABLED";
            case 0x8028400F -> "TBS_E_ACCESS_DENIED";
            default -> "TBS result";
        };
        return name + " (0x" + Integer.toHexString(rc) + ")";
    }
}
