package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.provhsm.HsmUnavailableException;
import io.provhsm.testing.TestVectors;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TbsTransport;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Windows TBS transport cannot run here (tbs.dll exists only on Windows), so it runs against a STAND-IN for
 * the JNA binding of tbs.dll that passes commands to swtpm. This checks the call sequence, the arguments and
 * the pointer-sized context handle, not tbs.dll itself.
 */
class TbsTransportOnJnaStandInTest {
    /** An address above 4 GiB: a context handle truncated to 32 bits (TSS.Java's bug) would not match it. */
    private static final long CONTEXT_ADDRESS = 0x7ff6_1234_5678L;

    @TempDir
    Path temp;

    /** Implements the tbs.dll binding like Windows would, forwarding commands to swtpm's data port. */
    static final class TbsStandIn implements TbsTransport.TbsLibrary {
        final List<String> calls = new ArrayList<>();
        final int port;
        Socket socket;
        int failNextSubmitWith;

        TbsStandIn(int port) {
            this.port = port;
        }

        @Override
        public int Tbsi_Context_Create(TbsTransport.ContextParams2 params, PointerByReference context) {
            calls.add("create version=" + params.version + " flags=" + params.flags);
            try {
                socket = new Socket("127.0.0.1", port);
            } catch (IOException e) {
                return 0x80284008; // TBS_E_TPM_NOT_FOUND
            }
            context.setValue(new Pointer(CONTEXT_ADDRESS));
            return 0;
        }

        @Override
        public int Tbsip_Submit_Command(Pointer context, int locality, int priority, byte[] command, int commandLength,
                                        byte[] result, IntByReference resultLength) {
            calls.add("submit");
            assertEquals(CONTEXT_ADDRESS, Pointer.nativeValue(context), "the context handle keeps all 64 bits");
            assertEquals(0, locality);
            assertEquals(200, priority);
            assertEquals(command.length, commandLength);
            if (failNextSubmitWith != 0) {
                int rc = failNextSubmitWith;
                failNextSubmitWith = 0;
                return rc;
            }
            try {
                socket.getOutputStream().write(command);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] header = new byte[10];
                in.readFully(header);
                int size = ((header[2] & 0xff) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
                if (size > resultLength.getValue()) {
                    return 0x80284005; // TBS_E_INSUFFICIENT_BUFFER
                }
                System.arraycopy(header, 0, result, 0, 10);
                in.readFully(result, 10, size - 10);
                resultLength.setValue(size);
                return 0;
            } catch (IOException e) {
                return 0x80284006; // TBS_E_IOERROR
            }
        }

        @Override
        public int Tbsip_Context_Close(Pointer context) {
            calls.add("close " + Long.toHexString(Pointer.nativeValue(context)));
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return 0;
        }
    }

    @Test
    void contextParamsHaveTheTbsLayout() {
        TbsTransport.ContextParams2 params = new TbsTransport.ContextParams2();
        assertEquals(8, params.size(), "UINT32 version + UINT32 flags union");
        assertEquals(2, params.version, "TPM_VERSION_20");
        assertEquals(4, params.flags, "includeTpm20 is the third bit");
    }

    @Test
    void theFlowRunsThroughTheTbsCallSequenceOnTheStandIn() {
        try (Swtpm swtpm = Swtpm.start(Swtpm.copyState(TestVectors.tpmSwtpmState(), temp.resolve("state")))) {
            TbsStandIn standIn = new TbsStandIn(swtpm.dataPort());
            try (TpmDeviceHsm hsm = TpmDeviceHsm.open(new TbsTransport(standIn))) {
                assertArrayEquals(TestVectors.tpmBase64("ek_b64"), hsm.endorsementKey());
                hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
                TpmSuite.assertSignsKnownAnswers(hsm, 1);

                standIn.failNextSubmitWith = 0x80284006;
                HsmUnavailableException e = assertThrows(HsmUnavailableException.class, () -> hsm.signWithIdentity(new byte[3]));
                assertEquals("TPM unreachable (tbs): Tbsip_Submit_Command failed with TBS_E_IOERROR (0x80284006)", e.getMessage());
                // the failed context was closed; the next call opens a new one
                TpmSuite.assertSignsKnownAnswers(hsm, 1);
            }
            assertEquals("create version=2 flags=4", standIn.calls.get(0));
            assertEquals(2, standIn.calls.stream().filter(c -> c.startsWith("create")).count());
            assertEquals(List.of("close 7ff612345678", "close 7ff612345678"),
                    standIn.calls.stream().filter(c -> c.startsWith("close")).toList());
            assertTrue(standIn.calls.stream().filter("submit"::equals).count() > 10);
        }
    }
}
