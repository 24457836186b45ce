package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.cli.ProvhsmProcess.Result;
import io.provhsm.testing.TestVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code provhsm} command end to end: a separate JVM per run, its exit code, stdout and stderr. The device
 * is the real software {@code symmetric-key} provider holding the identity key K1 of the shared TPM vectors,
 * so its signatures must equal the HMACs the TPM computed with that key.
 */
class ProvhsmEndToEndTest {
    private static final String k1Base64 = Base64.getEncoder().encodeToString(TestVectors.tpmHex("k1_hex"));

    @TempDir
    static Path temp;

    private static String expectedHmacK1(String message) {
        return HexFormat.of().formatHex(TestVectors.tpmExpectedHmac("k1", message));
    }

    private static String messageHex(String message) {
        return HexFormat.of().formatHex(TestVectors.tpmMessage(message));
    }

    /** provhsm with the symmetric-key provider configured through --config. */
    private static Result withKey(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--provider", "symmetric-key", "--config", "provhsm.symmetric-key.key=" + k1Base64,
                "--config", "provhsm.symmetric-key.registration-id=device-0001"));
        return ProvhsmProcess.run(all.toArray(String[]::new));
    }

    private static JsonObject json(Result result) {
        JsonElement element = JsonParser.parseString(result.out());
        return element.getAsJsonObject();
    }

    /** An error: the exit code, nothing on stdout, exactly one line on stderr starting "provhsm: ". */
    private static String assertError(int exitCode, Result result) {
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(1, result.errLines().size(), result::toString);
        assertTrue(result.err().startsWith("provhsm: "), result::toString);
        return result.errLines().get(0);
    }

    @Test
    void providersListsTheSymmetricKeyProviderAndWhyItCannotRunUnconfigured() {
        Result result = ProvhsmProcess.run("providers");
        assertEquals(0, result.exitCode(), result::toString);
        String line = result.out().lines().filter(l -> l.startsWith("symmetric-key")).findFirst().orElseThrow(() -> new AssertionError(result));
        assertTrue(line.contains("[SYMMETRIC_KEY]") && line.contains("unavailable: not configured: set provhsm.symmetric-key.registration-id"),
                line);
        assertEquals("", result.err(), result::toString);
    }

    @Test
    void providersJsonSaysTheConfiguredProviderIsAvailable() {
        Result result = ProvhsmProcess.run(Map.of("PROVHSM_SYMMETRIC_KEY_KEY", k1Base64,
                "PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID", "device-0001"), "providers", "--json");
        assertEquals(0, result.exitCode(), result::toString);
        JsonObject symmetric = null;
        for (JsonElement provider : json(result).getAsJsonArray("providers")) {
            if (provider.getAsJsonObject().get("name").getAsString().equals("symmetric-key")) {
                symmetric = provider.getAsJsonObject();
            }
        }
        assertTrue(symmetric != null, result::toString);
        assertTrue(symmetric.get("available").getAsBoolean(), result::toString);
        assertEquals("device key from provhsm.symmetric-key.key (environment PROVHSM_SYMMETRIC_KEY_KEY)",
                symmetric.get("reason").getAsString());
        assertFalse(result.out().contains(k1Base64), "the key is never printed");
    }

    @Test
    void identityJsonHasProviderMechanismAndRegistrationId() {
        Result result = withKey("identity", "--json");
        assertEquals(0, result.exitCode(), result::toString);
        JsonObject identity = json(result);
        assertEquals("symmetric-key", identity.get("provider").getAsString());
        assertEquals("SYMMETRIC_KEY", identity.get("mechanism").getAsString());
        assertEquals("device-0001", identity.get("registrationId").getAsString());
        assertEquals(3, identity.size(), result::toString);
        assertFalse(result.out().contains(k1Base64), "the key is never printed");
        assertEquals("", result.err());
    }

    @Test
    void identityTakesItsSettingsFromTheEnvironmentToo() {
        Result result = ProvhsmProcess.run(Map.of("PROVHSM_PROVIDER", "symmetric-key", "PROVHSM_SYMMETRIC_KEY_KEY", k1Base64,
                "PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID", "device-from-env"), "identity");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of("provider: symmetric-key", "mechanism: SYMMETRIC_KEY", "registrationId: device-from-env"),
                result.out().lines().toList());
    }

    @Test
    void configOverridesTheEnvironment() {
        Result result = ProvhsmProcess.run(Map.of("PROVHSM_PROVIDER", "no-such-provider", "PROVHSM_SYMMETRIC_KEY_KEY", k1Base64,
                "PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID", "device-from-env"), "identity", "--provider", "symmetric-key",
                "--config", "provhsm.symmetric-key.registration-id=device-from-config", "--json");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("device-from-config", json(result).get("registrationId").getAsString());
    }

    @Test
    void signGivesTheHmacTheTpmComputedWithTheSameKey() {
        Result hello = withKey("sign", "--data-hex", messageHex("hello"), "--json");
        assertEquals(0, hello.exitCode(), hello::toString);
        JsonObject signed = json(hello);
        assertEquals(expectedHmacK1("hello"), signed.get("signature").getAsString());
        assertEquals("SYMMETRIC_KEY", signed.get("mechanism").getAsString());
        assertEquals("device-0001", signed.get("registrationId").getAsString());

        Result sas = withKey("sign", "--data-hex", messageHex("dps_sas_payload").toUpperCase(), "--mechanism", "symmetric_key");
        assertEquals(0, sas.exitCode(), sas::toString);
        assertTrue(sas.out().lines().anyMatch(l -> l.equals("signature: " + expectedHmacK1("dps_sas_payload"))), sas::toString);
    }

    @Test
    void signReadsDataFromAFile() throws IOException {
        Path data = temp.resolve("seq3000.bin");
        Files.write(data, HexFormat.of().parseHex(messageHex("seq3000")));
        Result result = withKey("sign", "--data-file", data.toString(), "--json");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(expectedHmacK1("seq3000"), json(result).get("signature").getAsString());
    }

    @Test
    void onlyTheMechanismsAProviderServesUnderItsConfigurationAreUsed() {
        List<String> settings = List.of("--provider", "configured-subset", "--config", "provhsm.symmetric-key.key=" + k1Base64,
                "--config", "provhsm.symmetric-key.registration-id=device-0001");
        List<String> identity = new ArrayList<>(List.of("identity", "--json"));
        identity.addAll(settings);
        Result described = ProvhsmProcess.run(identity.toArray(String[]::new));
        assertEquals(0, described.exitCode(), described::toString);
        JsonObject json = json(described);
        assertEquals("SYMMETRIC_KEY", json.get("mechanism").getAsString(), described::toString);
        assertFalse(json.has("mechanisms"), described::toString);

        List<String> sign = new ArrayList<>(List.of("sign", "--data-hex", messageHex("hello")));
        sign.addAll(settings);
        Result signed = ProvhsmProcess.run(sign.toArray(String[]::new));
        assertEquals(0, signed.exitCode(), signed::toString);
        assertTrue(signed.out().contains("signature: " + expectedHmacK1("hello")), signed::toString);
    }

    @Test
    void anUnknownProviderExits3ListingWhatWasFound() {
        String line = assertError(3, ProvhsmProcess.run("identity", "--provider", "no-such-provider"));
        assertTrue(line.startsWith("provhsm: no provider named 'no-such-provider' (provhsm.provider (configuration)); found: "), line);
        assertTrue(line.contains("symmetric-key [SYMMETRIC_KEY]"), line);
    }

    @Test
    void aMechanismTheProviderDoesNotServeExits3() {
        String line = assertError(3, withKey("sign", "--data-hex", "00", "--mechanism", "TPM"));
        assertEquals("provhsm: provider 'symmetric-key' does not serve TPM; it serves [SYMMETRIC_KEY]", line);
    }

    @Test
    void aMechanismTheCommandCannotUseExits2() {
        String line = assertError(2, withKey("sign", "--data-hex", "00", "--mechanism", "X509"));
        assertEquals("provhsm: --mechanism X509 cannot be used by sign; it takes TPM or SYMMETRIC_KEY", line);
        line = assertError(2, withKey("identity", "--mechanism", "QUANTUM"));
        assertTrue(line.contains("--mechanism") && line.contains("QUANTUM"), line);
    }

    @Test
    void aMalformedConfigValueExits2NamingTheSettingButNotTheValue() {
        String notBase64 = "c2VjcmV0*c2VjcmV0c2VjcmV0c2VjcmV0";
        String line = assertError(2, ProvhsmProcess.run("sign", "--data-hex", "00", "--provider", "symmetric-key",
                "--config", "provhsm.symmetric-key.key=" + notBase64, "--config", "provhsm.symmetric-key.registration-id=d1"));
        assertEquals("provhsm: provhsm.symmetric-key.key (configuration) is not base64 (" + notBase64.length() + " characters)", line);

        line = assertError(2, ProvhsmProcess.run("identity", "--config", "provhsm.symmetric-key.key"));
        assertEquals("provhsm: --config 'provhsm.symmetric-key.key' is not KEY=VALUE", line);
        line = assertError(2, ProvhsmProcess.run("identity", "--config", "symmetric-key.key=abc"));
        assertTrue(line.contains("'symmetric-key.key' is not a provhsm setting"), line);
    }

    @Test
    void aMistypedOptionNeverEchoesTheSecretAfterIt() {
        String secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA==";
        String line = assertError(2, ProvhsmProcess.run("identity", "--confg", "provhsm.symmetric-key.key=" + secret));
        assertEquals("provhsm: unknown options or arguments: --confg provhsm.symmetric-key.key=(value not shown);"
                + " did you mean --config? (try: provhsm identity --help)", line);

        line = assertError(2, ProvhsmProcess.run("sign", "--data-hex", "00", "--confg=provhsm.symmetric-key.key=" + secret));
        assertTrue(line.startsWith("provhsm: unknown option or argument: --confg=(value not shown)"), line);

        // a bare argument may be a pasted secret (base64 with '=' padding too): not shown at all
        line = assertError(2, ProvhsmProcess.run("identity", secret));
        assertEquals("provhsm: unknown option or argument: (an argument, not shown) (try: provhsm identity --help)", line);
        line = assertError(2, ProvhsmProcess.run("identity", "--confg", "symmetric-key.key=" + secret));
        assertTrue(line.contains("--confg (an argument, not shown)") && !line.contains(secret), line);
        // a command that takes no --config
        line = assertError(2, ProvhsmProcess.run("dice", "layer", "--input", "x.json", "--config", "provhsm.dice.uds=" + secret));
        assertTrue(line.contains("--config provhsm.dice.uds=(value not shown)") && !line.contains(secret), line);
    }

    @Test
    void aConfigArgumentWithoutKeyNeverEchoesTheValue() {
        String secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA==";
        String line = assertError(2, ProvhsmProcess.run("identity", "--config", "=" + secret));
        assertEquals("provhsm: --config takes KEY=VALUE; an argument has no key before '='", line);
        line = assertError(2, ProvhsmProcess.run("identity", "--config", "not-a-key" + secret.replace("=", "")));
        assertEquals("provhsm: --config takes KEY=VALUE; an argument has no '=' (not shown)", line);
        // a pasted base64 secret with '=' padding splits as KEY=VALUE: its "key" is not shown either
        line = assertError(2, ProvhsmProcess.run("identity", "--config", secret));
        assertFalse(line.contains(secret.replace("=", "")), line);
        Result verbose = ProvhsmProcess.run("identity", "--config", "=" + secret, "--verbose");
        assertEquals(2, verbose.exitCode(), verbose::toString);
        assertFalse(verbose.err().contains(secret), verbose::toString);
    }

    @Test
    void anUnreadableKeyFileExits2NamingTheFile() {
        Path missing = temp.resolve("no-such.key");
        String line = assertError(2, ProvhsmProcess.run("identity", "--provider", "symmetric-key",
                "--config", "provhsm.symmetric-key.key-file=" + missing, "--config", "provhsm.symmetric-key.registration-id=d1"));
        assertEquals("provhsm: provhsm.symmetric-key.key-file (configuration) file " + missing + " does not exist", line);

        line = assertError(2, ProvhsmProcess.run("identity", "--provider", "symmetric-key",
                "--config", "provhsm.symmetric-key.key-file=" + temp, "--config", "provhsm.symmetric-key.registration-id=d1"));
        assertTrue(line.startsWith("provhsm: provhsm.symmetric-key.key-file (configuration) file " + temp + " cannot be read"), line);
    }

    @Test
    void badDataExits2() {
        String line = assertError(2, withKey("sign", "--data-hex", "abc"));
        assertEquals("provhsm: --data-hex is not hex (3 characters; two hex digits per byte)", line);
        Path missing = temp.resolve("no-such.bin");
        line = assertError(2, withKey("sign", "--data-file", missing.toString()));
        assertEquals("provhsm: --data-file " + missing + " does not exist", line);
        line = assertError(2, withKey("sign"));
        assertTrue(line.contains("--data-hex") && line.contains("--data-file"), line);
    }

    @Test
    void aDeviceThatFailsToOpenExits4() {
        String line = assertError(4, ProvhsmProcess.run("identity", "--provider", "failing-device"));
        assertEquals("provhsm: " + FailingDeviceProvider.MESSAGE, line);
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result result = ProvhsmProcess.run("identity", "--provider", "no-such-provider", "--verbose");
        assertEquals(3, result.exitCode(), result::toString);
        assertEquals("", result.out());
        List<String> lines = result.errLines();
        assertTrue(lines.get(0).startsWith("provhsm: no provider named 'no-such-provider'"), result::toString);
        assertTrue(lines.size() > 3, result::toString);
        assertTrue(result.err().contains("io.provhsm.NoProviderException") && result.err().contains("at io.provhsm.Hsms.select"),
                result::toString);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"providers", "identity", "sign"}) {
            Result result = ProvhsmProcess.run(command, "--help");
            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(result.out().startsWith("Usage: provhsm " + command), result::toString);
        }
        assertTrue(ProvhsmProcess.run("sign", "--help").out().contains("--mechanism=TPM|X509|SYMMETRIC_KEY"));
    }

    @Test
    void noCommandIsAUsageError() {
        String line = assertError(2, ProvhsmProcess.run());
        assertTrue(line.contains("a command is required"), line);
    }
}
