package io.provhsm.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The repository's known-answer vectors (testdata/vectors), for every module's tests: published as hsm-api's
 * test-jar. The folder comes from the system property {@value #PROPERTY}, which the parent pom's surefire
 * configuration sets to testdata/.
 */
public final class TestVectors {
    public static final String PROPERTY = "provhsm.shared.dir";
    private static JsonObject tpm;

    private TestVectors() {
    }

    /** The testdata folder. */
    public static Path dir() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set (the parent pom's surefire sets it)");
        }
        return Path.of(dir);
    }

    /** vectors/{@code kind} (tpm, riot, open-dice), which must exist. */
    public static Path vectors(String kind) {
        Path folder = dir().resolve("vectors").resolve(kind);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("vectors not found at " + folder.toAbsolutePath() + " (system property " + PROPERTY + ")");
        }
        return folder;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vector file " + file, e);
        }
    }

    // --- vectors/tpm: the C SDK's EK, SRK, activation blobs and HMACs on a recorded swtpm state

    /** The recorded swtpm state; tests copy it before starting swtpm on it, never use it in place. */
    public static Path tpmSwtpmState() {
        return vectors("tpm").resolve("swtpm-state");
    }

    /** vectors/tpm/vector.json. */
    public static synchronized JsonObject tpm() {
        if (tpm == null) {
            tpm = JsonParser.parseString(read(vectors("tpm").resolve("vector.json"))).getAsJsonObject();
        }
        return tpm;
    }

    /** A top-level string field, e.g. registration_id or ek_b64. */
    public static String tpmString(String field) {
        if (!tpm().has(field)) {
            throw new IllegalStateException("vector.json has no field " + field);
        }
        return tpm().get(field).getAsString();
    }

    /** A *_b64 field (ek_b64, srk_b64, blob1_b64, blob2_b64), decoded. */
    public static byte[] tpmBase64(String field) {
        return Base64.getDecoder().decode(tpmString(field));
    }

    /** A *_hex field (k1_hex, k2_hex), decoded. */
    public static byte[] tpmHex(String field) {
        return HexFormat.of().parseHex(tpmString(field));
    }

    /** One entry of messages: empty, hello, dps_sas_payload, seq3000. */
    public static byte[] tpmMessage(String name) {
        return tpmMessages().get(name);
    }

    /** name -> message bytes, in file order. */
    public static Map<String, byte[]> tpmMessages() {
        return hexEntries("messages");
    }

    /** expected_hmac_{@code key} ("k1" or "k2") for one message. */
    public static byte[] tpmExpectedHmac(String key, String message) {
        return tpmExpectedHmacs(key).get(message);
    }

    /** message name -> expected HMAC-SHA256 under {@code key} ("k1" or "k2"), in file order. */
    public static Map<String, byte[]> tpmExpectedHmacs(String key) {
        return hexEntries("expected_hmac_" + key);
    }

    private static Map<String, byte[]> hexEntries(String object) {
        JsonObject entries = tpm().getAsJsonObject(object);
        if (entries == null) {
            throw new IllegalStateException("vector.json has no object " + object);
        }
        Map<String, byte[]> decoded = new LinkedHashMap<>();
        entries.entrySet().forEach(e -> decoded.put(e.getKey(), HexFormat.of().parseHex(e.getValue().getAsString())));
        return decoded;
    }

    // --- vectors/open-dice

    /** vectors/open-dice/{@code file} (e.g. p256_zero_input.json). */
    public static JsonObject openDice(String file) {
        return JsonParser.parseString(read(openDicePath(file))).getAsJsonObject();
    }

    public static Path openDicePath(String file) {
        return vectors("open-dice").resolve(file);
    }

    // --- vectors/riot

    /** vectors/riot/{@code file} (e.g. uds_all_zero.txt). */
    public static RiotVector riot(String file) {
        return RiotVector.parse(vectors("riot").resolve(file));
    }

    /** Every vectors/riot/*.txt, by file name. */
    public static List<RiotVector> riotAll() {
        try (Stream<Path> files = Files.list(vectors("riot"))) {
            return files.filter(p -> p.toString().endsWith(".txt")).sorted().map(RiotVector::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
