package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.Hsms;
import io.provhsm.TpmHsm;
import io.provhsm.cli.ProvhsmProcess.Result;
import io.provhsm.spi.HsmConfig;
import io.provhsm.testing.TestVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provhsm identity} and {@code sign} against a real swtpm (provider {@code tpm-simulator}), started on a
 * copy of the shared TPM state whose EK, SRK and registration id the C SDK recorded.
 */
class ProvhsmTpmSimulatorEndToEndTest {
    private Path state;

    @TempDir
    Path temp;

    @BeforeEach
    void copyPristineState() throws IOException {
        state = Files.createDirectories(temp.resolve("swtpm-state"));
        try (Stream<Path> files = Files.list(TestVectors.tpmSwtpmState())) {
            for (Path file : files.toList()) {
                Files.write(state.resolve(file.getFileName()), Files.readAllBytes(file));
            }
        }
    }

    private String[] simulator(String... args) {
        return Stream.concat(Stream.of(args), Stream.of("--provider", "tpm-simulator",
                "--config", "provhsm.tpm.simulator.state-dir=" + state, "--config", "provhsm.tpm.state-dir=" + identityState()))
                .toArray(String[]::new);
    }

    /** The identity journal and lock of the TPM, kept out of the user's data directory. */
    private Path identityState() {
        return temp.resolve("tpm-identity-state");
    }

    private static String field(String name) {
        return TestVectors.tpmString(name);
    }

    @Test
    void identityPrintsTheEndorsementKeyStorageRootKeyAndRegistrationIdTheCSdkRecorded() {
        Result result = ProvhsmProcess.run(simulator("identity", "--json"));
        assertEquals(0, result.exitCode(), result::toString);
        JsonObject identity = JsonParser.parseString(result.out()).getAsJsonObject();
        assertEquals("tpm-simulator", identity.get("provider").getAsString());
        assertEquals("TPM", identity.get("mechanism").getAsString());
        assertEquals(field("registration_id"), identity.get("registrationId").getAsString());
        assertEquals(field("ek_b64"), identity.get("endorsementKey").getAsString());
        assertEquals(field("srk_b64"), identity.get("storageRootKey").getAsString());
    }

    @Test
    void signNeedsAnActivatedIdentityThenGivesTheTpmsHmac() throws IOException {
        Result before = ProvhsmProcess.run(simulator("sign", "--data-hex", "68656c6c6f"));
        assertEquals(4, before.exitCode(), before::toString);
        assertEquals("", before.out());
        assertEquals(1, before.errLines().size(), before::toString);
        assertTrue(before.err().contains("no identity key at 0x81000100") && before.err().contains("`provhsm tpm activate`"),
                before::toString);

        // activate blob1 (identity key K1) through the API, as `provhsm tpm activate` would
        HsmConfig config = HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm-simulator", "provhsm.tpm.simulator.state-dir", state.toString(),
                "provhsm.tpm.state-dir", identityState().toString()));
        try (TpmHsm tpm = Hsms.openTpm(config)) {
            tpm.activateIdentityKey(Base64.getDecoder().decode(field("blob1_b64")));
        }

        JsonObject expected = TestVectors.tpm().getAsJsonObject("expected_hmac_k1");
        Result hello = ProvhsmProcess.run(simulator("sign", "--data-hex", "68656c6c6f", "--json"));
        assertEquals(0, hello.exitCode(), hello::toString);
        JsonObject signed = JsonParser.parseString(hello.out()).getAsJsonObject();
        assertEquals(expected.get("hello").getAsString(), signed.get("signature").getAsString());
        assertEquals(field("registration_id"), signed.get("registrationId").getAsString());

        Path data = temp.resolve("seq3000.bin");
        Files.write(data, HexFormat.of().parseHex(TestVectors.tpm().getAsJsonObject("messages").get("seq3000").getAsString()));
        Result sequence = ProvhsmProcess.run(simulator("sign", "--data-file", data.toString(), "--mechanism", "TPM"));
        assertEquals(0, sequence.exitCode(), sequence::toString);
        assertEquals(List.of("provider: tpm-simulator", "mechanism: TPM", "registrationId: " + field("registration_id"),
                "signature: " + expected.get("seq3000").getAsString()), sequence.out().lines().toList());
    }
}
