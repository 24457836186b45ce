package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.Pem;
import io.provhsm.testing.RiotVector;
import io.provhsm.testing.TestVectors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provhsm dice layer}, {@code provhsm dice verification-cert}, and {@code identity} on the dice provider. */
class DiceCommandsTest {
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    static Run provhsm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Provhsm.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void layerReproducesTheOpenDiceVector() throws Exception {
        Path vector = TestVectors.openDicePath("p256_zero_input.json");
        JsonObject expected = TestVectors.openDice("p256_zero_input.json").getAsJsonObject("expected");
        // the inputs object alone, as the issue specifies the file
        JsonObject inputs = TestVectors.openDice("p256_zero_input.json").getAsJsonObject("inputs");
        Path input = Files.writeString(dir.resolve("inputs.json"), inputs.toString());

        Run run = provhsm("dice", "layer", "--input", input.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonObject printed = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(expected, printed);

        Run whole = provhsm("dice", "layer", "--input", vector.toString());
        assertEquals(run.out(), whole.out());
    }

    @Test
    void layerRejectsBadInputNamingTheField() throws Exception {
        Path input = Files.writeString(dir.resolve("bad.json"), "{\"current_cdi_attest\":\"00\",\"current_cdi_seal\":\"00\"}");
        Run run = provhsm("dice", "layer", "--input", input.toString());
        assertEquals(ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("current_cdi_attest"), run.err());
        Run missing = provhsm("dice", "layer", "--input", dir.resolve("none.json").toString());
        assertEquals(ExitCode.USAGE, missing.exitCode());
        assertTrue(missing.err().contains("none.json"), missing.err());
    }

    @Test
    void verificationCertificateVerifiesAgainstTheRootTheIdentityCommandPrints() throws Exception {
        String dataDir = "provhsm.dice.data-dir=" + dir.resolve("data");
        Run identity = provhsm("identity", "--provider", "dice", "--config", dataDir, "--json");
        assertEquals(0, identity.exitCode(), identity.err());
        JsonObject json = JsonParser.parseString(identity.out()).getAsJsonObject();
        X509Certificate root = Pem.certificates(json.get("rootCertificate").getAsString()).get(0);
        X509Certificate leaf = Pem.certificates(json.getAsJsonArray("certificateChain").get(0).getAsString()).get(0);
        assertEquals(new X500Principal("CN=" + json.get("registrationId").getAsString()), leaf.getSubjectX500Principal());

        Run proof = provhsm("dice", "verification-cert", "--code", "ABCDEF0123456789", "--provider", "dice", "--config", dataDir);
        assertEquals(0, proof.exitCode(), proof.err());
        X509Certificate certificate = Pem.certificates(proof.out()).get(0);
        assertEquals(new X500Principal("CN=ABCDEF0123456789"), certificate.getSubjectX500Principal());
        certificate.verify(root.getPublicKey());

        Run bad = provhsm("dice", "verification-cert", "--code", "x".repeat(65), "--provider", "dice", "--config", dataDir);
        assertEquals(ExitCode.USAGE, bad.exitCode());
        assertTrue(bad.err().contains("65"), bad.err());
    }

    @Test
    void identityWithTheRiotProfileShowsTheCEmulatorsCertificates() throws Exception {
        RiotVector vector = TestVectors.riot("edge_alias_cert_sig_r_short31.txt");
        Run run = provhsm("identity", "--provider", "dice", "--config", "provhsm.dice.profile=riot",
                "--config", "provhsm.dice.uds=" + vector.value("uds"),
                "--config", "provhsm.dice.measurement=" + vector.value("measurement"),
                "--config", "provhsm.dice.fwid=" + vector.value("fwid"), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(Pem.decode("CERTIFICATE", vector.section("alias_cert")).get(0).length,
                Pem.decode("CERTIFICATE", json.getAsJsonArray("certificateChain").get(0).getAsString()).get(0).length);
        assertEquals(Pem.certificates(vector.section("alias_cert")).get(0),
                Pem.certificates(json.getAsJsonArray("certificateChain").get(0).getAsString()).get(0));
        assertEquals(Pem.certificates(vector.section("root_cert")).get(0),
                Pem.certificates(json.get("rootCertificate").getAsString()).get(0));
        assertEquals("riot-device-cert", json.get("registrationId").getAsString());
    }

    @Test
    void unknownProfileIsAUsageErrorNamingTheSetting() {
        Run run = provhsm("identity", "--provider", "dice", "--config", "provhsm.dice.profile=nope",
                "--config", "provhsm.dice.data-dir=" + dir.resolve("data"));
        assertEquals(ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("provhsm.dice.profile"), run.err());
    }
}
