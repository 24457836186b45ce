package io.provhsm.tck.service;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shared access signatures as the provisioning service and IoT Hub take them (specs/dps-http.md):
 * {@code SharedAccessSignature sr={resource}&sig={urlencode(base64(HMAC-SHA256(key, sr + "\n" + se)))}&se={expiry}&skn={keyName}}.
 *
 * <p>The verifier recomputes the HMAC over {@code sr + "\n" + se} exactly as received: the C client
 * URL-encodes the resource before signing, the Java client does not, and both must verify.
 */
public final class SasTokens {
    private static final String PREFIX = "SharedAccessSignature ";

    private SasTokens() {
    }

    /** The fields of a token, as received (sr and se not decoded; sig base64-decoded). */
    public record SasToken(String resource, byte[] signature, long expiry, String keyName) {
        /** The resource URL-decoded, for comparison with the expected one. */
        public String decodedResource() {
            return URLDecoder.decode(resource, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "SasToken[sr=" + resource + ", se=" + expiry + ", skn=" + keyName + "]";
        }
    }

    /**
     * A token for {@code resource} expiring at {@code expiry} (epoch seconds), signed by {@code signer}
     * (HMAC-SHA256 with the device's key, wherever that key lives). The resource is signed as given.
     */
    public static String create(String resource, long expiry, String keyName, UnaryOperator<byte[]> signer) {
        byte[] toSign = (resource + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(signer.apply(toSign));
        return PREFIX + "sr=" + resource + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                + "&se=" + expiry + "&skn=" + (keyName == null ? "" : keyName);
    }

    /** Parses a token; the message names the field that is missing or malformed. */
    public static SasToken parse(String token) throws AttestationException {
        if (token == null || token.isBlank()) {
            throw new AttestationException("no SAS token (authorization header missing or empty)");
        }
        String text = token.strip();
        if (!text.startsWith(PREFIX)) {
            throw new AttestationException("authorization is not a SharedAccessSignature token");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.substring(PREFIX.length()).split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new AttestationException("SAS token field '" + part + "' is not name=value");
            }
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String resource = fields.get("sr");
        String sig = fields.get("sig");
        String se = fields.get("se");
        if (resource == null || resource.isEmpty()) {
            throw new AttestationException("SAS token has no sr (resource)");
        }
        if (sig == null || sig.isEmpty()) {
            throw new AttestationException("SAS token has no sig (signature)");
        }
        if (se == null || se.isEmpty()) {
            throw new AttestationException("SAS token has no se (expiry)");
        }
        long expiry;
        try {
            expiry = Long.parseLong(se);
        } catch (NumberFormatException e) {
            throw new AttestationException("SAS token se '" + se + "' is not a number of seconds");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(URLDecoder.decode(sig, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new AttestationException("SAS token sig is not base64");
        }
        return new SasToken(resource, signature, expiry, fields.getOrDefault("skn", ""));
    }

    /**
     * Checks a token against the key the service holds for the device.
     *
     * @param expectedResource the resource the token must be for, compared URL-decoded and case-insensitively
     *                         (the C client lower-cases nothing but encodes; hosts are case-insensitive)
     * @return the parsed token
     * @throws AttestationException naming the failed check: resource, expiry or signature
     */
    public static SasToken verify(String token, byte[] key, String expectedResource, Instant now) throws AttestationException {
        SasToken sas = parse(token);
        String resource = sas.decodedResource();
        if (!resource.equalsIgnoreCase(expectedResource)) {
            throw new AttestationException("SAS token is for resource '" + resource + "', expected '" + expectedResource + "'");
        }
        if (sas.expiry() <= now.getEpochSecond()) {
            throw new AttestationException("SAS token expired at " + Instant.ofEpochSecond(sas.expiry()) + " (now " + now + ")");
        }
        byte[] expected = hmacSha256(key, (sas.resource() + "\n" + sas.expiry()).getBytes(StandardCharsets.UTF_8));
        if (!MessageDigest.isEqual(expected, sas.signature())) {
            throw new AttestationException("SAS token signature does not verify with the enrolled key");
        }
        return sas;
    }

    /** HMAC-SHA256, as the service computes it in software. */
    public static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
