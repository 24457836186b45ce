package io.provhsm.tck.service;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/** The shared TPM vectors (vectors/tpm under provhsm.shared.dir). */
final class SharedTpmVectors {
    static final Path DIR = Path.of(System.getProperty("provhsm.shared.dir", "../../shared"), "vectors", "tpm");
    static final Path SWTPM_STATE = DIR.resolve("swtpm-state");
    private static final JsonObject JSON = load();

    private SharedTpmVectors() {
    }

    private static JsonObject load() {
        try {
            return JsonParser.parseString(Files.readString(DIR.resolve("vector.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("shared TPM vectors missing at " + DIR + " (system property provhsm.shared.dir)", e);
        }
    }

    static byte[] b64(String name) {
        return Base64.getDecoder().decode(JSON.get(name).getAsString());
    }

    static byte[] hex(String name) {
        return HexFormat.of().parseHex(JSON.get(name).getAsString());
    }
}
