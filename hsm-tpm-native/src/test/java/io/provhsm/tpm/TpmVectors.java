package io.provhsm.tpm;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shared TPM vectors (vectors/tpm under provhsm.shared.dir): the C SDK's EK/SRK, blobs and HMACs. */
final class TpmVectors {
    static final Path DIR = Path.of(System.getProperty("provhsm.shared.dir", "../../shared"), "vectors", "tpm");
    static final Path SWTPM_STATE = DIR.resolve("swtpm-state");
    private static final JsonObject JSON = load();

    private TpmVectors() {
    }

    private static JsonObject load() {
        try {
            return JsonParser.parseString(Files.readString(DIR.resolve("vector.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("shared TPM vectors missing at " + DIR + " (system property provhsm.shared.dir)", e);
        }
    }

    static byte[] ek() {
        return b64("ek_b64");
    }

    static byte[] srk() {
        return b64("srk_b64");
    }

    static String registrationId() {
        return JSON.get("registration_id").getAsString();
    }

    static byte[] blob1() {
        return b64("blob1_b64");
    }

    static byte[] blob2() {
        return b64("blob2_b64");
    }

    static byte[] k1() {
        return HexFormat.of().parseHex(JSON.get("k1_hex").getAsString());
    }

    static byte[] k2() {
        return HexFormat.of().parseHex(JSON.get("k2_hex").getAsString());
    }

    /** name -> message bytes, in file order: empty, hello, dps_sas_payload, seq3000. */
    static Map<String, byte[]> messages() {
        Map<String, byte[]> messages = new LinkedHashMap<>();
        JSON.getAsJsonObject("messages").entrySet()
                .forEach(e -> messages.put(e.getKey(), HexFormat.of().parseHex(e.getValue().getAsString())));
        return messages;
    }

    /** name -> expected HMAC for key 1 or 2. */
    static Map<String, byte[]> expectedHmacs(int key) {
        Map<String, byte[]> expected = new LinkedHashMap<>();
        JSON.getAsJsonObject("expected_hmac_k" + key).entrySet()
                .forEach(e -> expected.put(e.getKey(), HexFormat.of().parseHex(e.getValue().getAsString())));
        return expected;
    }

    private static byte[] b64(String name) {
        return Base64.getDecoder().decode(JSON.get(name).getAsString());
    }
}
