package io.provhsm.tpm.transport;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A TPM reached through tpm2-tss's TCTI loader: any TCTI string tpm2-tools accepts
 * ({@code device:/dev/tpmrm0}, {@code swtpm:host=127.0.0.1,port=2321}, {@code tabrmd}, ...).
 *
 * <p>After a failed transmit or receive the context is finalised and initialised again on the next
 * command, so a TPM (or simulator) that comes back is reached again.
 */
public final class TctiTransport extends TpmTransport {
    private final String configuration;
    private final String library;
    private Pointer context;
    private Function transmit;
    private Function receive;
    private final Memory commandBuffer = new Memory(MAX_RESPONSE);
    private final Memory responseBuffer = new Memory(MAX_RESPONSE);
    private final Memory responseSize = new Memory(Native.SIZE_T_SIZE);

    public TctiTransport(String configuration) {
        this(configuration, null);
    }

    /** @param library the tctildr library name or path; null for libtss2-tctildr from the system */
    public TctiTransport(String configuration, String library) {
        this.configuration = configuration;
        this.library = library;
    }

    /**
     * The TCTI tpm2-tools would use: {@code TPM2TOOLS_TCTI}, else {@code TCTI} from the environment,
     * else {@code device:/dev/tpmrm0} (the kernel resource manager) if present, else {@code device:/dev/tpm0}.
     */
    public static String defaultConfiguration(Map<String, String> environment) {
        for (String name : new String[] {"TPM2TOOLS_TCTI", "TCTI"}) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return Files.exists(Path.of("/dev/tpmrm0")) ? "device:/dev/tpmrm0" : "device:/dev/tpm0";
    }

    /** Why this transport cannot work here (the library is missing), or null. */
    public static String unavailableReason(String library) {
        return Tss2TctiLoader.unavailableReason(library);
    }

    public String configuration() {
        return configuration;
    }

    @Override
    public String describe() {
        return "tcti " + configuration;
    }

    @Override
    public void open() {
        if (context != null) {
            return;
        }
        Tss2TctiLoader.Library2 loader = Tss2TctiLoader.library(library);
        PointerByReference handle = new PointerByReference();
        int rc = loader.Tss2_TctiLdr_Initialize(configuration, handle);
        if (rc != 0 || handle.getValue() == null) {
            throw unreachable("Tss2_TctiLdr_Initialize failed with " + tss2Rc(rc), null);
        }
        Tss2TctiLoader.CommonContext common = new Tss2TctiLoader.CommonContext(handle.getValue());
        transmit = Tss2TctiLoader.function(common.transmit, "transmit");
        receive = Tss2TctiLoader.function(common.receive, "receive");
        context = handle.getValue();
    }

    @Override
    protected byte[] transact(byte[] command) {
        open();
        if (command.length > commandBuffer.size()) {
            throw new IllegalArgumentException("TPM command of " + command.length + " bytes exceeds " + commandBuffer.size());
        }
        commandBuffer.write(0, command, 0, command.length);
        int rc = transmit.invokeInt(new Object[] {context, new Tss2TctiLoader.SizeT(command.length), commandBuffer});
        if (rc != 0) {
            disconnect();
            throw unreachable("Tss2_Tcti_Transmit failed with " + tss2Rc(rc), null);
        }
        setSize(responseSize, responseBuffer.size());
        rc = receive.invokeInt(new Object[] {context, responseSize, responseBuffer, Tss2TctiLoader.TIMEOUT_BLOCK});
        if (rc != 0) {
            disconnect();
            throw unreachable("Tss2_Tcti_Receive failed with " + tss2Rc(rc), null);
        }
        long size = getSize(responseSize);
        if (size < 0 || size > responseBuffer.size()) {
            disconnect();
            throw unreachable("Tss2_Tcti_Receive reported " + size + " bytes", null);
        }
        return responseBuffer.getByteArray(0, (int) size);
    }

    private static void setSize(Memory memory, long value) {
        if (Native.SIZE_T_SIZE == 8) {
            memory.setLong(0, value);
        } else {
            memory.setInt(0, (int) value);
        }
    }

    private static long getSize(Memory memory) {
        return Native.SIZE_T_SIZE == 8 ? memory.getLong(0) : memory.getInt(0) & 0xffffffffL;
    }

    @Override
    protected void disconnect() {
        Pointer current = context;
        context = null;
        transmit = null;
        receive = null;
        if (current != null) {
            Tss2TctiLoader.library(library).Tss2_TctiLdr_Finalize(new PointerByReference(current));
        }
    }

    /** A TSS2_RC with the layer and the common meaning of its base code. */
    static String tss2Rc(int rc) {
        String hex = String.format("0x%x", rc);
        int layer = (rc >>> 16) & 0xff;
        int base = rc & 0xffff;
        String layerName = switch (layer) {
            case 10 -> "TCTI";
            case 8 -> "SYS";
            case 7 -> "ESAPI";
            default -> "layer " + layer;
        };
        String baseName = switch (base) {
            case 1 -> "GENERAL_FAILURE";
            case 2 -> "NOT_IMPLEMENTED";
            case 3 -> "BAD_CONTEXT";
            case 5 -> "BAD_REFERENCE";
            case 6 -> "INSUFFICIENT_BUFFER";
            case 7 -> "BAD_SEQUENCE";
            case 9 -> "TRY_AGAIN";
            case 10 -> "IO_ERROR";
            case 11 -> "BAD_VALUE";
            case 12 -> "NOT_PERMITTED";
            case 14 -> "MALFORMED_RESPONSE";
            case 15 -> "NOT_SUPPORTED";
            default -> "code " + base;
        };
        return hex + " (" + layerName + " " + baseName + ")";
    }
}
