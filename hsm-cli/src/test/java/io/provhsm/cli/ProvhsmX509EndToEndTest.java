package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.cli.ProvhsmProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provhsm identity} for an X.509 identity whose certificates openssl made (a root CA and a leaf it
 * signed), served by the test-scope {@code pem-files} provider: the printed PEM must be openssl's, byte for byte.
 */
class ProvhsmX509EndToEndTest {
    @TempDir
    static Path dir;
    private static String leafPem;
    private static String rootPem;

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "openssl " + args[0] + ": " + output);
    }

    @BeforeAll
    static void makeCertificatesWithOpenssl() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key",
                "-subj", "/CN=provhsm-test-root", "-days", "30", "-out", "root.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key",
                "-subj", "/CN=pem-device-01", "-out", "leaf.csr");
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "30",
                "-out", "leaf.pem");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "leaf.key", "-out", "leaf.pk8");
        leafPem = Files.readString(dir.resolve("leaf.pem"));
        rootPem = Files.readString(dir.resolve("root.pem"));
        Files.writeString(dir.resolve("chain.pem"), leafPem + rootPem);
    }

    private static Result identity(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("identity", "--provider", "pem-files",
                "--config", PemFilesX509Provider.CHAIN + "=" + dir.resolve("chain.pem"),
                "--config", PemFilesX509Provider.KEY + "=" + dir.resolve("leaf.pk8"),
                "--config", PemFilesX509Provider.ROOT + "=" + dir.resolve("root.pem")));
        args.addAll(List.of(extra));
        return ProvhsmProcess.run(args.toArray(String[]::new));
    }

    @Test
    void jsonHasTheChainLeafFirstAndTheRootAsOpensslWroteThem() {
        Result result = identity("--json");
        assertEquals(0, result.exitCode(), result::toString);
        JsonObject identity = JsonParser.parseString(result.out()).getAsJsonObject();
        assertEquals("pem-files", identity.get("provider").getAsString());
        assertEquals("X509", identity.get("mechanism").getAsString());
        assertEquals("pem-device-01", identity.get("registrationId").getAsString());
        JsonArray chain = identity.getAsJsonArray("certificateChain");
        assertEquals(2, chain.size());
        assertEquals(leafPem, chain.get(0).getAsString());
        assertEquals(rootPem, chain.get(1).getAsString());
        assertEquals(rootPem, identity.get("rootCertificate").getAsString());
    }

    @Test
    void textOutputPrintsThePemBlocksUnderTheirNames() {
        Result result = identity();
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("provider: pem-files\nmechanism: X509\nregistrationId: pem-device-01\ncertificateChain:\n"
                + leafPem + rootPem + "rootCertificate:\n" + rootPem, result.out());
    }

    @Test
    void anX509IdentityCannotSign() {
        Result result = ProvhsmProcess.run("sign", "--data-hex", "00", "--provider", "pem-files",
                "--config", PemFilesX509Provider.CHAIN + "=" + dir.resolve("chain.pem"),
                "--config", PemFilesX509Provider.KEY + "=" + dir.resolve("leaf.pk8"));
        assertEquals(3, result.exitCode(), result::toString);
        assertEquals("provhsm: provider 'pem-files' does not serve TPM or SYMMETRIC_KEY; it serves [X509]\n", result.err());
        assertEquals("", result.out());
    }
}
