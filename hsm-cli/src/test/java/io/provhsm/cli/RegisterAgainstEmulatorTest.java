package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `provhsm dps-emulator` and `provhsm register` together, in-process, over HTTPS on 127.0.0.1. */
class RegisterAgainstEmulatorTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Provhsm.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port, CompletableFuture<Run> emulator) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (emulator.isDone()) {
                throw new AssertionError("emulator exited: " + emulator.get());
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("emulator did not listen on " + port);
    }

    @Test
    void symmetricKeyDeviceRegistersWithTheEmulatorAndAWrongKeyIsRefused() throws Exception {
        int port = freePort();
        Path cert = dir.resolve("server.pem");
        String groupKey = Base64.getEncoder().encodeToString("provhsm-cli-test-group-key-32-by".getBytes());
        Thread[] emulatorThread = new Thread[1];
        CompletableFuture<Run> emulator = CompletableFuture.supplyAsync(() -> {
            emulatorThread[0] = Thread.currentThread();
            return run("dps-emulator", "--port", String.valueOf(port), "--id-scope", "0ne0000cli1",
                    "--enroll", "symmetric-group:cli-group:" + groupKey, "--server-cert-out", cert.toString(), "--stop-after", "120");
        });
        try {
            awaitListening(port, emulator);
            while (!Files.exists(cert) || Files.size(cert) == 0) {
                Thread.sleep(20);
            }
            Run ok = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne0000cli1", "--trust-cert", cert.toString(),
                    "--provider", "symmetric-key", "--config", "provhsm.symmetric-key.registration-id=cli-device-1",
                    "--config", "provhsm.symmetric-key.group-key=" + groupKey);
            assertEquals(0, ok.code, ok.out + ok.err);
            assertTrue(ok.out.contains("status: assigned"), ok.out);
            assertTrue(ok.out.contains("deviceId: cli-device-1"), ok.out);

            Run refused = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne0000cli1", "--trust-cert", cert.toString(),
                    "--provider", "symmetric-key", "--config", "provhsm.symmetric-key.registration-id=cli-device-2",
                    "--config", "provhsm.symmetric-key.key=" + Base64.getEncoder().encodeToString(new byte[32]));
            assertEquals(ExitCode.HSM_FAILURE, refused.code, refused.out + refused.err);
            assertTrue(refused.err.contains("HTTP 401 errorCode 401002"), refused.err);

            Run badEndpoint = run("register", "--endpoint", "https://localhost", "--id-scope", "x", "--provider", "symmetric-key");
            assertEquals(ExitCode.USAGE, badEndpoint.code, badEndpoint.err);
        } finally {
            if (emulatorThread[0] != null) {
                emulatorThread[0].interrupt();
            }
        }
        Run stopped = emulator.get(30, TimeUnit.SECONDS);
        assertEquals(0, stopped.code, stopped.err);
        assertTrue(stopped.out.contains("endpoint: localhost:" + port), stopped.out);
        assertTrue(stopped.out.contains("symmetric-group cli-group"), stopped.out);
    }

    @Test
    void diceDeviceRegistersThroughItsEnrolledRootCa() throws Exception {
        String dataDir = dir.resolve("dice").toString();
        Path root = dir.resolve("root.pem");
        try (io.provhsm.X509Hsm dice = io.provhsm.Hsms.openX509(io.provhsm.spi.HsmConfig.of(java.util.Map.of(
                io.provhsm.spi.HsmConfig.PROVIDER, "dice", "provhsm.dice.data-dir", dataDir)))) {
            Files.writeString(root, io.provhsm.Pem.certificate(dice.rootCertificate().orElseThrow()));
        }
        int port = freePort();
        Path cert = dir.resolve("server-x509.pem");
        Thread[] emulatorThread = new Thread[1];
        CompletableFuture<Run> emulator = CompletableFuture.supplyAsync(() -> {
            emulatorThread[0] = Thread.currentThread();
            return run("dps-emulator", "--port", String.valueOf(port), "--enroll", "x509-ca:" + root,
                    "--server-cert-out", cert.toString(), "--stop-after", "120");
        });
        try {
            awaitListening(port, emulator);
            while (!Files.exists(cert) || Files.size(cert) == 0) {
                Thread.sleep(20);
            }
            Run ok = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne00000001", "--trust-cert", cert.toString(),
                    "--provider", "dice", "--config", "provhsm.dice.data-dir=" + dataDir, "--json");
            assertEquals(0, ok.code, ok.out + ok.err);
            assertTrue(ok.out.contains("\"status\": \"assigned\"") && ok.out.contains("\"mechanism\": \"X509\""), ok.out);
        } finally {
            if (emulatorThread[0] != null) {
                emulatorThread[0].interrupt();
            }
        }
        assertEquals(0, emulator.get(30, TimeUnit.SECONDS).code);
    }

    @Test
    void badEnrollmentIsAUsageError() {
        Run run = run("dps-emulator", "--port", "0", "--enroll", "fingerprint:abc", "--stop-after", "1");
        assertEquals(ExitCode.USAGE, run.code, run.err);
        assertTrue(run.err.contains("--enroll kind 'fingerprint'"), run.err);
    }
}
