package io.provhsm;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/** The shared known-answer vectors (system property provhsm.shared.dir, set by surefire). */
public final class Vectors {
    private static JsonObject tpm;

    private Vectors() {
    }

    public static Path sharedDir() {
        String dir = System.getProperty("provhsm.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property provhsm.shared.dir is not set (surefire sets it)");
        }
        return Path.of(dir);
    }

    /** vectors/tpm/vector.json. */
    public static synchronized JsonObject tpm() {
        if (tpm == null) {
            try {
                tpm = JsonParser.parseString(Files.readString(sharedDir().resolve("vectors/tpm/vector.json"))).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tpm;
    }

    public static byte[] tpmBase64(String field) {
        return Base64.getDecoder().decode(tpm().get(field).getAsString());
    }

    public static byte[] tpmHex(String field) {
        return HexFormat.of().parseHex(tpm().get(field).getAsString());
    }

    public static byte[] message(String name) {
        return HexFormat.of().parseHex(tpm().getAsJsonObject("messages").get(name).getAsString());
    }

    /** expected_hmac_k1 / expected_hmac_k2 entry. */
    public static byte[] expectedHmac(String key, String message) {
        return HexFormat.of().parseHex(tpm().getAsJsonObject("expected_hmac_" + key).get(message).getAsString());
    }
}
