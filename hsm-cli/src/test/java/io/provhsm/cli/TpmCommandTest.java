package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.testing.TestVectors;
import io.provhsm.tpm.sim.Swtpm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provhsm identity / tpm activate / sign} end to end against swtpm on a copy of the shared vectors' state. */
class TpmCommandTest {
    @TempDir
    Path temp;
    private Swtpm swtpm;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        swtpm = Swtpm.start(Swtpm.copyState(TestVectors.tpmSwtpmState(), temp.resolve("state")));
    }

    @AfterEach
    void stop() {
        swtpm.stop();
    }

    private Result provhsm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Provhsm.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private String[] withTcti(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--provider", "tpm", "--config", "provhsm.tpm.tcti=" + swtpm.tcti(),
                "--config", "provhsm.tpm.state-dir=" + temp.resolve("tpm-state")));
        return all.toArray(String[]::new);
    }

    @Test
    void identityPrintsWhatTheServiceNeedsToEnrolTheTpm() {
        Result result = provhsm(withTcti("identity", "--json"));
        assertEquals(0, result.code(), result.err());
        JsonObject json = JsonParser.parseString(result.out()).getAsJsonObject();
        assertEquals(TestVectors.tpmString("registration_id"), json.get("registrationId").getAsString());
        assertEquals(TestVectors.tpmString("ek_b64"), json.get("endorsementKey").getAsString());
        assertEquals(TestVectors.tpmString("srk_b64"), json.get("storageRootKey").getAsString());
    }

    @Test
    void signingBeforeActivationIsAnHsmFailureExplainedWithoutAnExceptionType() {
        Result result = provhsm(withTcti("sign", "--data-hex", "68656c6c6f"));
        assertEquals(ExitCode.HSM_FAILURE, result.code(), result.err());
        String line = result.err().strip();
        // the wording is the TPM provider's; what the CLI owes is one line of it, without "IllegalStateException: "
        assertTrue(line.startsWith("provhsm: ") && line.length() > "provhsm: ".length() && !line.contains("\n"), line);
        assertFalse(line.contains("Exception"), line);
    }

    @Test
    void activateThenSignGivesTheKnownHmacs() throws IOException {
        Result activated = provhsm(withTcti("tpm", "activate", "--blob", TestVectors.tpmString("blob1_b64"), "--json"));
        assertEquals(0, activated.code(), activated.err());
        assertTrue(activated.out().contains("0x81000100"), activated.out());
        Result signed = provhsm(withTcti("sign", "--data-hex", "68656c6c6f", "--json"));
        assertEquals(0, signed.code(), signed.err());
        assertEquals(TestVectors.tpm().getAsJsonObject("expected_hmac_k1").get("hello").getAsString(),
                JsonParser.parseString(signed.out()).getAsJsonObject().get("signature").getAsString());

        // a binary blob file replaces the key
        Path file = temp.resolve("blob2.bin");
        Files.write(file, Base64.getDecoder().decode(TestVectors.tpmString("blob2_b64")));
        assertEquals(0, provhsm(withTcti("tpm", "activate", "--blob-file", file.toString())).code());
        Result second = provhsm(withTcti("sign", "--data-hex", "68656c6c6f", "--json"));
        assertEquals(TestVectors.tpm().getAsJsonObject("expected_hmac_k2").get("hello").getAsString(),
                JsonParser.parseString(second.out()).getAsJsonObject().get("signature").getAsString());
    }

    @Test
    void activationKeepsItsStateInTheConfiguredDirectory() {
        Result activated = provhsm(withTcti("tpm", "activate", "--blob", TestVectors.tpmString("blob1_b64")));
        assertEquals(0, activated.code(), activated.err());
        // the per-TPM directory (named by the registration id) holds the replacement lock, owner-only
        Path tpmDir = temp.resolve("tpm-state").resolve(TestVectors.tpmString("registration_id"));
        assertTrue(Files.isDirectory(tpmDir), tpmDir::toString);
    }

    @Test
    void aTruncatedBlobIsAUsageErrorNamingTheField() throws IOException {
        byte[] blob = Base64.getDecoder().decode(TestVectors.tpmString("blob1_b64"));
        Path file = temp.resolve("truncated.b64");
        Files.writeString(file, Base64.getEncoder().encodeToString(Arrays.copyOf(blob, 400)));
        Result result = provhsm(withTcti("tpm", "activate", "--blob-file", file.toString()));
        assertEquals(ExitCode.USAGE, result.code());
        assertTrue(result.err().contains("declares") || result.err().contains("activation blob"), result.err());
        assertEquals(ExitCode.USAGE, provhsm(withTcti("tpm", "activate", "--blob", "not base64!")).code());
        assertEquals(ExitCode.USAGE, provhsm("tpm", "activate").code(), "a blob is required");
    }

    @Test
    void theSimulatorProviderPrintsTheSameEkOnEveryRun() {
        String stateDir = temp.resolve("simulator").toString();
        Result first = provhsm("identity", "--provider", "tpm-simulator", "--config",
                "provhsm.tpm.simulator.state-dir=" + stateDir, "--json");
        assertEquals(0, first.code(), first.err());
        Result second = provhsm("identity", "--provider", "tpm-simulator", "--config",
                "provhsm.tpm.simulator.state-dir=" + stateDir, "--json");
        String ek = JsonParser.parseString(first.out()).getAsJsonObject().get("endorsementKey").getAsString();
        assertEquals(ek, JsonParser.parseString(second.out()).getAsJsonObject().get("endorsementKey").getAsString());
    }

    @Test
    void anUnreachableTpmIsAnHsmFailure() {
        swtpm.stop();
        Result result = provhsm(withTcti("identity"));
        assertEquals(ExitCode.HSM_FAILURE, result.code());
        assertTrue(result.err().contains("TPM unreachable"), result.err());
    }
}
