package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.Pem;
import io.provhsm.cli.ProvhsmProcess.Result;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tck.service.ActivationBlobBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provhsm} with {@code --provider custom} on the example custom-HSM library built by CMake
 * (native/example), which serves all three interfaces: identity reports each as the library reports it, sign asks
 * which one, and a key set in the library (or an identity key activated through the CLI) signs as HMAC-SHA256.
 */
class ProvhsmCustomEndToEndTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path temp;
    private Path exampleDir;

    @BeforeEach
    void exampleDirectory() throws Exception {
        // the example keeps its identities here (it requires an owner-only directory)
        exampleDir = Files.createDirectory(temp.resolve("example"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private static String library() {
        Path library = Path.of(System.getProperty("provhsm.native.dir")).resolve(System.mapLibraryName("custom_hsm_example"));
        assertTrue(Files.isRegularFile(library), () -> "native library missing: " + library + " (the root Maven build runs CMake)");
        return library.toString();
    }

    private Result custom(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--provider", "custom", "--config", "provhsm.custom.library=" + library()));
        return ProvhsmProcess.run(temp.resolve("home"), Map.of("CUSTOM_HSM_EXAMPLE_DIR", exampleDir.toString()),
                all.toArray(String[]::new));
    }

    private static JsonObject json(Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        return JsonParser.parseString(result.out()).getAsJsonObject();
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Test
    void identityReportsEveryInterfaceTheLibraryServes() throws Exception {
        Result result = custom("identity", "--json");
        JsonObject identity = json(result);
        assertEquals("custom", identity.get("provider").getAsString());
        assertFalse(identity.has("mechanism") || identity.has("registrationId"), "per-mechanism fields live in 'mechanisms'");
        JsonArray mechanisms = identity.getAsJsonArray("mechanisms");
        assertEquals(List.of("TPM", "X509", "SYMMETRIC_KEY"),
                mechanisms.asList().stream().map(m -> m.getAsJsonObject().get("mechanism").getAsString()).toList());

        // TPM: EK and SRK as the library reports them (TPM2B_PUBLIC), the registration id derived as the service does
        JsonObject tpm = mechanisms.get(0).getAsJsonObject();
        byte[] ek = Base64.getDecoder().decode(tpm.get("endorsementKey").getAsString());
        byte[] srk = Base64.getDecoder().decode(tpm.get("storageRootKey").getAsString());
        assertEquals(ek.length - 2, ((ek[0] & 0xff) << 8) | (ek[1] & 0xff), "EK is a TPM2B_PUBLIC");
        assertEquals(srk.length - 2, ((srk[0] & 0xff) << 8) | (srk[1] & 0xff), "SRK is a TPM2B_PUBLIC");
        assertEquals(RegistrationIds.fromEndorsementKey(ek), tpm.get("registrationId").getAsString());

        // X.509: registration id = the leaf's common name, leaf then root, the leaf signed by the root
        JsonObject x509 = mechanisms.get(1).getAsJsonObject();
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonElement pem : x509.getAsJsonArray("certificateChain")) {
            chain.addAll(Pem.certificates(pem.getAsString()));
        }
        assertEquals(2, chain.size(), result::toString);
        String commonName = x509.get("registrationId").getAsString();
        assertTrue(RegistrationIds.isValid(commonName), commonName);
        assertEquals("CN=" + commonName, chain.get(0).getSubjectX500Principal().getName());
        X509Certificate root = Pem.certificates(x509.get("rootCertificate").getAsString()).get(0);
        assertEquals(chain.get(1), root);
        chain.get(0).verify(root.getPublicKey());

        JsonObject symmetric = mechanisms.get(2).getAsJsonObject();
        assertEquals(2, symmetric.size(), symmetric::toString);
        assertTrue(RegistrationIds.isValid(symmetric.get("registrationId").getAsString()), symmetric::toString);

        // --mechanism gives the single-mechanism shape with the same values; a second run the same identities
        JsonObject onlyX509 = json(custom("identity", "--mechanism", "X509", "--json"));
        assertEquals("custom", onlyX509.remove("provider").getAsString());
        assertEquals(x509, onlyX509);
        assertEquals(result.out(), custom("identity", "--json").out());

        // for people: the provider, then one block per mechanism after a blank line
        List<String> lines = custom("identity").out().lines().toList();
        assertEquals("provider: custom", lines.get(0));
        assertEquals(List.of("mechanism: TPM", "mechanism: X509", "mechanism: SYMMETRIC_KEY"),
                lines.stream().filter(l -> l.startsWith("mechanism: ")).toList());
        assertEquals("", lines.get(lines.indexOf("mechanism: X509") - 1));
    }

    @Test
    void signOnAProviderWithSeveralSigningMechanismsAsksWhichOne() {
        Result result = custom("sign", "--data-hex", "00");
        assertEquals(ExitCode.USAGE, result.exitCode(), result::toString);
        assertEquals("", result.out());
        assertEquals("provhsm: provider 'custom' serves TPM, SYMMETRIC_KEY for sign; choose one with --mechanism TPM"
                + " or --mechanism SYMMETRIC_KEY\n", result.err());
    }

    @Test
    void signWithTheSymmetricKeyTheLibraryHolds() throws Exception {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        // the example's documented store: registration id, newline, base64 device key (owner-only)
        Files.writeString(exampleDir.resolve("symmetric-key.txt"), "cli-custom-device\n" + Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(exampleDir.resolve("symmetric-key.txt"), PosixFilePermissions.fromString("rw-------"));
        byte[] data = "0ne00000001/registrations/cli-custom-device\n1700000000".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        JsonObject signed = json(custom("sign", "--mechanism", "SYMMETRIC_KEY", "--data-hex", HexFormat.of().formatHex(data), "--json"));
        assertEquals("SYMMETRIC_KEY", signed.get("mechanism").getAsString());
        assertEquals("cli-custom-device", signed.get("registrationId").getAsString());
        assertEquals(HexFormat.of().formatHex(hmac(key, data)), signed.get("signature").getAsString());
    }

    @Test
    void anIdentityKeyActivatedThroughTheCliSignsWithTpm() throws Exception {
        JsonObject identity = json(custom("identity", "--mechanism", "TPM", "--json"));
        byte[] ek = Base64.getDecoder().decode(identity.get("endorsementKey").getAsString());
        byte[] srk = Base64.getDecoder().decode(identity.get("storageRootKey").getAsString());
        byte[] identityKey = new byte[32];
        RANDOM.nextBytes(identityKey);
        // the blob the provisioning service would send: the identity key sealed to this EK and SRK
        byte[] blob = ActivationBlobBuilder.forTpm(ek, srk).build(identityKey);
        Result activated = custom("tpm", "activate", "--blob", Base64.getEncoder().encodeToString(blob));
        assertEquals(0, activated.exitCode(), activated::toString);

        byte[] data = {'h', 'e', 'l', 'l', 'o'};
        JsonObject signed = json(custom("sign", "--mechanism", "TPM", "--data-hex", "68656c6c6f", "--json"));
        assertEquals(RegistrationIds.fromEndorsementKey(ek), signed.get("registrationId").getAsString());
        assertEquals(HexFormat.of().formatHex(hmac(identityKey, data)), signed.get("signature").getAsString());
    }
}
