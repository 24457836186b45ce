package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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

    @FunctionalInterface
    private interface WhileServing {
        void run(int port, Path serverCert) throws Exception;
    }

    /** Runs `provhsm dps-emulator --port P --server-cert-out F ARGS` in-process while {@code body} runs; returns its run. */
    private Run whileEmulatorServes(List<String> args, WhileServing body) throws Exception {
        int port = freePort();
        Path cert = dir.resolve("server-" + port + ".pem");
        List<String> command = new ArrayList<>(List.of("dps-emulator", "--port", String.valueOf(port),
                "--server-cert-out", cert.toString(), "--stop-after", "120"));
        command.addAll(args);
        Thread[] emulatorThread = new Thread[1];
        CompletableFuture<Run> emulator = CompletableFuture.supplyAsync(() -> {
            emulatorThread[0] = Thread.currentThread();
            return run(command.toArray(String[]::new));
        });
        try {
            awaitListening(port, emulator);
            while (!Files.exists(cert) || Files.size(cert) == 0) {
                Thread.sleep(20);
            }
            body.run(port, cert);
        } finally {
            if (emulatorThread[0] != null) {
                emulatorThread[0].interrupt();
            }
        }
        return emulator.get(30, TimeUnit.SECONDS);
    }

    /** `provhsm register` of a symmetric-key group member, its key derived from {@code groupKey}. */
    private static Run registerGroupMember(int port, Path cert, String registrationId, String groupKey) {
        return run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne00000001", "--trust-cert", cert.toString(),
                "--provider", "symmetric-key", "--config", "provhsm.symmetric-key.registration-id=" + registrationId,
                "--config", "provhsm.symmetric-key.group-key=" + groupKey);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Path keyFile(String name, String base64, String permissions) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, base64 + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void groupKeyFromAnOwnerOnlyFileEnrollsTheGroupAndIsNeverPrinted() throws Exception {
        String groupKey = randomKey();
        Path file = keyFile("group.key", groupKey, "rw-------");
        Run[] registered = new Run[2];
        Run emulator = whileEmulatorServes(List.of("--enroll", "symmetric-group:file-group:@" + file), (port, cert) -> {
            registered[0] = registerGroupMember(port, cert, "file-device-1", groupKey);
            registered[1] = registerGroupMember(port, cert, "file-device-2", randomKey());
        });
        assertEquals(0, registered[0].code, registered[0].out + registered[0].err);
        assertTrue(registered[0].out.contains("status: assigned"), registered[0].out);
        assertEquals(ExitCode.HSM_FAILURE, registered[1].code, "another group key must be refused: " + registered[1].out);
        assertEquals(0, emulator.code, emulator.err);
        assertTrue(emulator.out.contains("symmetric-group file-group"), emulator.out);
        assertFalse((emulator.out + emulator.err).contains(groupKey), "the emulator printed the key");
    }

    @Test
    void keyFileGroupOrOthersCanAccessIsRefusedNamingTheFileNotTheKey() throws Exception {
        String key = randomKey();
        for (String permissions : List.of("rw-r-----", "rw----r--", "rw--w----")) {
            Path file = keyFile("exposed-" + permissions.replace('-', '_') + ".key", key, permissions);
            Run run = run("dps-emulator", "--port", "0", "--enroll", "symmetric:dev-1:@" + file, "--stop-after", "1");
            assertEquals(ExitCode.USAGE, run.code, permissions + ": " + run.out + run.err);
            assertTrue(run.err.contains(file.toString()) && run.err.contains("group or others") && run.err.contains("chmod 600"),
                    permissions + ": " + run.err);
            assertFalse((run.out + run.err).contains(key), "the key was printed");
        }
        Run missing = run("dps-emulator", "--port", "0", "--enroll", "symmetric:dev-1:@" + dir.resolve("absent.key"), "--stop-after", "1");
        assertEquals(ExitCode.USAGE, missing.code, missing.err);
        assertTrue(missing.err.contains("absent.key does not exist"), missing.err);
    }

    @Test
    void keyFromAnEnvironmentVariableEnrollsAndIsNeverPrinted() throws Exception {
        String groupKey = randomKey();
        int port = freePort();
        Path cert = dir.resolve("server-env.pem");
        Path out = dir.resolve("emulator.out");
        Path err = dir.resolve("emulator.err");
        // a separate JVM: the key reaches the emulator only through its environment
        Process emulator = ProvhsmProcess.builder(Map.of("PROVHSM_TEST_GROUP_KEY", groupKey), "dps-emulator", "--port", String.valueOf(port),
                "--enroll", "symmetric-group:env-group:env:PROVHSM_TEST_GROUP_KEY", "--server-cert-out", cert.toString(),
                "--stop-after", "120").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Run registered;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(cert) && Files.size(cert) > 0 && Files.readString(out).contains("serving"))) {
                if (!emulator.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("emulator did not start: " + Files.readString(out) + Files.readString(err));
                }
                Thread.sleep(50);
            }
            registered = registerGroupMember(port, cert, "env-device-1", groupKey);
        } finally {
            emulator.destroy();
            emulator.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(0, registered.code, registered.out + registered.err);
        assertTrue(registered.out.contains("status: assigned"), registered.out);
        String printed = Files.readString(out) + Files.readString(err);
        assertTrue(printed.contains("symmetric-group env-group"), printed);
        assertFalse(printed.contains(groupKey), "the emulator printed the key");

        Run unset = run("dps-emulator", "--port", "0", "--enroll", "symmetric:dev-1:env:PROVHSM_TEST_UNSET_VARIABLE", "--stop-after", "1");
        assertEquals(ExitCode.USAGE, unset.code, unset.err);
        assertTrue(unset.err.contains("environment variable 'PROVHSM_TEST_UNSET_VARIABLE' is not set"), unset.err);
    }

    @Test
    void malformedInlineKeyIsRefusedWithoutEchoingIt() {
        String notAKey = "c2VjcmV0*LWtleS1tYXRlcmlhbA";
        Run run = run("dps-emulator", "--port", "0", "--enroll", "symmetric:dev-1:" + notAKey, "--stop-after", "1");
        assertEquals(ExitCode.USAGE, run.code, run.err);
        assertTrue(run.err.contains("--enroll symmetric:dev-1 key is not base64"), run.err);
        assertFalse((run.out + run.err).contains(notAKey) || run.err.contains("c2VjcmV0"), run.err);
    }

    @Test
    void symmetricKeyDeviceRegistersWithTheEmulatorAndAWrongKeyIsRefused() throws Exception {
        // the inline key form: a throwaway test key
        String groupKey = Base64.getEncoder().encodeToString("provhsm-cli-test-group-key-32-by".getBytes());
        Run[] runs = new Run[3];
        Run stopped = whileEmulatorServes(List.of("--id-scope", "0ne0000cli1", "--enroll", "symmetric-group:cli-group:" + groupKey),
                (port, cert) -> {
                    runs[0] = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne0000cli1", "--trust-cert", cert.toString(),
                            "--provider", "symmetric-key", "--config", "provhsm.symmetric-key.registration-id=cli-device-1",
                            "--config", "provhsm.symmetric-key.group-key=" + groupKey);
                    runs[1] = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne0000cli1", "--trust-cert", cert.toString(),
                            "--provider", "symmetric-key", "--config", "provhsm.symmetric-key.registration-id=cli-device-2",
                            "--config", "provhsm.symmetric-key.key=" + Base64.getEncoder().encodeToString(new byte[32]));
                    runs[2] = run("register", "--endpoint", "https://localhost", "--id-scope", "x", "--provider", "symmetric-key");
                });
        Run ok = runs[0];
        assertEquals(0, ok.code, ok.out + ok.err);
        assertTrue(ok.out.contains("status: assigned"), ok.out);
        assertTrue(ok.out.contains("deviceId: cli-device-1"), ok.out);
        Run refused = runs[1];
        assertEquals(ExitCode.HSM_FAILURE, refused.code, refused.out + refused.err);
        assertTrue(refused.err.contains("HTTP 401 errorCode 401002"), refused.err);
        assertEquals(ExitCode.USAGE, runs[2].code, runs[2].err);
        assertEquals(0, stopped.code, stopped.err);
        assertTrue(stopped.out.contains("endpoint: localhost:"), stopped.out);
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
        Run[] registered = new Run[1];
        Run stopped = whileEmulatorServes(List.of("--enroll", "x509-ca:" + root), (port, cert) ->
                registered[0] = run("register", "--endpoint", "localhost:" + port, "--id-scope", "0ne00000001", "--trust-cert",
                        cert.toString(), "--provider", "dice", "--config", "provhsm.dice.data-dir=" + dataDir, "--json"));
        Run ok = registered[0];
        assertEquals(0, ok.code, ok.out + ok.err);
        assertTrue(ok.out.contains("\"status\": \"assigned\"") && ok.out.contains("\"mechanism\": \"X509\""), ok.out);
        assertEquals(0, stopped.code);
    }

    @Test
    void missingOrUnreadableFilesAreUsageErrorsNamingTheOptionAndTheFile() throws Exception {
        Path absent = dir.resolve("absent.pem");
        // a path through a regular file: exists as a name, cannot be read (works as root too, unlike chmod 000)
        Path regular = Files.writeString(dir.resolve("regular"), "not a directory");
        Path unreadable = regular.resolve("server.pem");

        Run missingTrust = run("register", "--endpoint", "localhost:1", "--id-scope", "0ne00000001", "--trust-cert", absent.toString(),
                "--provider", "symmetric-key");
        assertEquals(ExitCode.USAGE, missingTrust.code, missingTrust.err);
        assertTrue(missingTrust.err.contains("--trust-cert " + absent + " does not exist"), missingTrust.err);
        Run unreadableTrust = run("register", "--endpoint", "localhost:1", "--id-scope", "0ne00000001", "--trust-cert",
                unreadable.toString(), "--provider", "symmetric-key");
        assertEquals(ExitCode.USAGE, unreadableTrust.code, unreadableTrust.err);
        assertTrue(unreadableTrust.err.contains("--trust-cert " + unreadable + " cannot be read"), unreadableTrust.err);

        for (String kind : List.of("x509", "x509-ca")) {
            Run missing = run("dps-emulator", "--port", "0", "--enroll", kind + ":" + absent, "--stop-after", "1");
            assertEquals(ExitCode.USAGE, missing.code, kind + ": " + missing.err);
            assertTrue(missing.err.contains("--enroll " + kind + ":" + absent + " does not exist"), missing.err);
            Run notReadable = run("dps-emulator", "--port", "0", "--enroll", kind + ":" + unreadable, "--stop-after", "1");
            assertEquals(ExitCode.USAGE, notReadable.code, kind + ": " + notReadable.err);
            assertTrue(notReadable.err.contains("--enroll " + kind + ":" + unreadable + " cannot be read"), notReadable.err);
        }
        Run unreadableKey = run("dps-emulator", "--port", "0", "--enroll", "symmetric:dev-1:@" + unreadable, "--stop-after", "1");
        assertEquals(ExitCode.USAGE, unreadableKey.code, unreadableKey.err);
        assertTrue(unreadableKey.err.contains(unreadable + " cannot be read"), unreadableKey.err);
    }

    @Test
    void malformedEnrollmentIsAUsageErrorThatNeverEchoesTheArgument() {
        String pastedKey = randomKey();
        Run noKind = run("dps-emulator", "--port", "0", "--enroll", pastedKey, "--stop-after", "1");
        assertEquals(ExitCode.USAGE, noKind.code, noKind.err);
        assertTrue(noKind.err.contains("--enroll: an argument is not KIND:VALUE (not shown)"), noKind.err);
        assertFalse((noKind.out + noKind.err).contains(pastedKey), noKind.err);

        String secretPrefix = pastedKey.substring(0, 20).replace('/', 'x').replace('+', 'y');
        Run unknownKind = run("dps-emulator", "--port", "0", "--enroll", secretPrefix + ":abc", "--stop-after", "1");
        assertEquals(ExitCode.USAGE, unknownKind.code, unknownKind.err);
        assertTrue(unknownKind.err.contains("--enroll: an argument's kind (not shown) is not one of tpm, x509, x509-ca, symmetric,"),
                unknownKind.err);
        assertFalse((unknownKind.out + unknownKind.err).contains(secretPrefix), unknownKind.err);

        Run knownKind = run("dps-emulator", "--port", "0", "--enroll", "symmetric:" + pastedKey, "--stop-after", "1");
        assertEquals(ExitCode.USAGE, knownKind.code, knownKind.err);
        assertTrue(knownKind.err.contains("--enroll symmetric: needs ID:KEY"), knownKind.err);
        assertFalse((knownKind.out + knownKind.err).contains(pastedKey), knownKind.err);
    }
}
