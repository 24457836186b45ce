package io.provhsm.tpm.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmUnavailableException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The read after the brief poll for a response, against a scripted peer on a real 127.0.0.1 socket: responses
 * that come after the poll window, or in pieces, still arrive whole, and the socket timeout still applies.
 */
class TcpTransportReadTest {
    /** A minimal TPM command (TPM2_GetRandom of 8 bytes); the peer only reads it. */
    private static final byte[] COMMAND = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7b, 0, 8};
    /** A 16-byte response: header (success) and 6 body bytes. */
    private static final byte[] RESPONSE = {(byte) 0x80, 0x01, 0, 0, 0, 16, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6};

    @Test
    void aResponseLaterThanThePollWindowAndInPiecesArrivesWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> serve(server, (in, out) -> {
                in.readNBytes(COMMAND.length);
                // 20 ms is 200 times the poll window: the transport must fall back to a blocking read
                Thread.sleep(20);
                out.write(RESPONSE, 0, 3);
                out.flush();
                Thread.sleep(5);
                out.write(RESPONSE, 3, RESPONSE.length - 3);
                out.flush();
            }));
            try (TcpTransport transport = new TcpTransport("127.0.0.1", server.getLocalPort(), 5_000)) {
                transport.dispatchCommand(COMMAND);
                assertArrayEquals(RESPONSE, transport.getResponse());
            }
            peer.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOutWithAClearError() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> serve(server, (in, out) -> {
                in.readNBytes(COMMAND.length);
                // silent until the client gives up and closes
                in.read();
            }));
            try (TcpTransport transport = new TcpTransport("127.0.0.1", server.getLocalPort(), 300)) {
                HsmUnavailableException e = assertThrows(HsmUnavailableException.class,
                        () -> transport.dispatchCommand(COMMAND));
                assertTrue(e.getMessage().startsWith("TPM unreachable (tcp 127.0.0.1:" + server.getLocalPort()),
                        e.getMessage());
                assertTrue(e.getMessage().contains("no response within 300 ms"), e.getMessage());
            }
            peer.get(5, TimeUnit.SECONDS);
        }
    }

    private interface Script {
        void run(InputStream in, OutputStream out) throws Exception;
    }

    private static void serve(ServerSocket server, Script script) {
        try (Socket client = server.accept()) {
            script.run(client.getInputStream(), client.getOutputStream());
        } catch (Exception e) {
            throw new IllegalStateException("scripted peer failed", e);
        }
    }
}
