package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A shared access signature, the {@code authorization} header of the provisioning service and IoT Hub
 * (specs/dps-http.md):
 * {@code SharedAccessSignature sr={resource}&sig={urlencode(base64(HMAC-SHA256(key, sr + "\n" + se)))}&se={expiry}&skn={keyName}}.
 *
 * <p>The HMAC covers {@code sr} exactly as it appears in the token: the C SDK URL-encodes the resource
 * before signing ({@link ResourceEncoding#URL_ENCODED}), the Java SDK signs and sends it as is
 * ({@link ResourceEncoding#AS_IS}); {@link #signatureMatches} accepts both. The signer is any
 * {@code byte[] -> byte[]} function, so a {@code TpmHsm::signWithIdentity} or {@code SymmetricKeyHsm::sign}
 * signs without the key leaving the device. Instances are immutable; {@link #toString()} hides the
 * signature (a token is a bearer credential until it expires), {@link #value()} is the header text.
 */
public final class SasToken {
    /** The scheme word that starts every token. */
    public static final String SCHEME = "SharedAccessSignature";
    /** The key name the provisioning service expects ({@code skn}). */
    public static final String REGISTRATION_KEY_NAME = "registration";
    /** Longest token {@link #parse} accepts, in characters. */
    public static final int MAX_LENGTH = 4096;
    private static final int MAX_SIGNATURE = 512;
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();
    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    /** How {@code sr} (and {@code sig}) are written into the token. */
    public enum ResourceEncoding {
        /** The C SDK: resource and signature percent-encoded (lowercase hex), the encoded resource signed. */
        URL_ENCODED,
        /** The Java SDK: resource signed and sent unencoded; signature percent-encoded (uppercase hex). */
        AS_IS
    }

    private final String signedResource;
    private final byte[] signature;
    private final long expiry;
    private final String keyName;
    private final String value;

    private SasToken(String signedResource, byte[] signature, long expiry, String keyName, String value) {
        this.signedResource = signedResource;
        this.signature = signature;
        this.expiry = expiry;
        this.keyName = keyName;
        this.value = value;
    }

    /**
     * Signs a token for {@code resource} (e.g. {@code {idScope}/registrations/{registrationId}}).
     *
     * @param expiry   seconds since the epoch
     * @param keyName  {@code skn}, or null for a token without one (IoT Hub device tokens)
     * @param signer   HMAC-SHA256 with the device or identity key, e.g. {@code tpm::signWithIdentity}
     */
    public static SasToken sign(String resource, long expiry, String keyName, ResourceEncoding encoding,
                                Function<byte[], byte[]> signer) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(signer, "signer");
        if (resource.isEmpty()) {
            throw new InvalidInputException("SAS resource is empty");
        }
        if (expiry < 0) {
            throw new InvalidInputException("SAS expiry is negative: " + expiry);
        }
        if (keyName != null) {
            checkKeyName(keyName);
        }
        String sr;
        if (encoding == ResourceEncoding.URL_ENCODED) {
            sr = percentEncode(resource, LOWER_HEX);
        } else {
            checkAsIs(resource);
            sr = resource;
        }
        byte[] signature = signer.apply(stringToSign(sr, expiry));
        if (signature == null || signature.length == 0 || signature.length > MAX_SIGNATURE) {
            throw new InvalidInputException("SAS signer returned " + (signature == null ? "null" : signature.length + " bytes")
                    + "; expected 1 to " + MAX_SIGNATURE + " bytes");
        }
        signature = signature.clone();
        String sig = percentEncode(Base64.getEncoder().encodeToString(signature),
                encoding == ResourceEncoding.URL_ENCODED ? LOWER_HEX : UPPER_HEX);
        String value = SCHEME + " sr=" + sr + "&sig=" + sig + "&se=" + expiry + (keyName == null ? "" : "&skn=" + keyName);
        return new SasToken(sr, signature, expiry, keyName, value);
    }

    /** The provisioning-service resource a device signs for: {@code {idScope}/registrations/{registrationId}}. */
    public static String provisioningResource(String idScope, String registrationId) {
        if (idScope == null || idScope.isEmpty() || !idScope.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/' && c != '&' && c != '%')) {
            throw new InvalidInputException("ID scope '" + idScope + "' is empty or has a space, '/', '&', '%' or non-ASCII character");
        }
        return idScope + "/registrations/" + RegistrationIds.requireValid(registrationId);
    }

    /** The IoT Hub resource a device signs for after provisioning: {@code {hubHost}/devices/{deviceId}}. */
    public static String hubResource(String hubHost, String deviceId) {
        if (hubHost == null || hubHost.isEmpty() || deviceId == null || deviceId.isEmpty()) {
            throw new InvalidInputException("IoT Hub host and device id must not be empty");
        }
        return hubHost + "/devices/" + deviceId;
    }

    /** The bytes that are signed: {@code sr + "\n" + se}, UTF-8, {@code sr} as written in the token. */
    public static byte[] stringToSign(String signedResource, long expiry) {
        return (signedResource + "\n" + expiry).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses an {@code authorization} header value. Strict: the scheme, then {@code sr}, {@code sig} and
     * {@code se} exactly once each, {@code skn} at most once, nothing else. An empty {@code skn} counts as absent:
     * the official Java device client (2.1.3) ends its tokens with {@code &skn=}, the service accepts them, and
     * {@code skn} is not signed.
     *
     * @throws InvalidInputException naming the field that is missing, repeated, unknown or malformed
     */
    public static SasToken parse(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidInputException("SAS token is empty");
        }
        if (token.length() > MAX_LENGTH) {
            throw new InvalidInputException("SAS token is " + token.length() + " characters; at most " + MAX_LENGTH);
        }
        String prefix = SCHEME + " ";
        if (!token.startsWith(prefix)) {
            throw new InvalidInputException("SAS token does not start with '" + prefix + "'");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String[] parts = token.substring(prefix.length()).split("&", -1);
        for (int index = 0; index < parts.length; index++) {
            String part = parts[index];
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("SAS token field #" + (index + 1) + " is not name=value");
            }
            String name = part.substring(0, eq);
            String fieldValue = part.substring(eq + 1);
            if (!name.equals("sr") && !name.equals("sig") && !name.equals("se") && !name.equals("skn")) {
                throw new InvalidInputException("SAS token has unknown field '" + shorten(name) + "'");
            }
            if (fields.put(name, fieldValue) != null) {
                throw new InvalidInputException("SAS token field " + name + " appears twice");
            }
            if (fieldValue.isEmpty() && !name.equals("skn")) {
                throw new InvalidInputException("SAS token field " + name + " is empty");
            }
            for (int i = 0; i < fieldValue.length(); i++) {
                char c = fieldValue.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new InvalidInputException("SAS token field " + name + " has a space, control or non-ASCII character at position " + i);
                }
            }
        }
        for (String required : new String[] {"sr", "sig", "se"}) {
            if (!fields.containsKey(required)) {
                throw new InvalidInputException("SAS token has no " + required + " field");
            }
        }
        String sr = fields.get("sr");
        percentDecode(sr, "sr"); // must decode, so resource() cannot fail later
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(percentDecode(fields.get("sig"), "sig"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("SAS token field sig is not URL-encoded base64");
        }
        if (signature.length == 0 || signature.length > MAX_SIGNATURE) {
            throw new InvalidInputException("SAS token signature is " + signature.length + " bytes; expected 1 to " + MAX_SIGNATURE);
        }
        String se = fields.get("se");
        if (se.length() > 18 || !se.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidInputException("SAS token field se is not a number of seconds since the epoch: '" + shorten(se) + "'");
        }
        String skn = fields.get("skn");
        if (skn != null && skn.isEmpty()) {
            skn = null;
        }
        if (skn != null) {
            checkKeyName(skn);
        }
        return new SasToken(sr, signature, Long.parseLong(se), skn, token);
    }

    /** {@code sr} exactly as written in the token: what was signed. */
    public String signedResource() {
        return signedResource;
    }

    /** The resource, percent-decoded (the same as {@link #signedResource()} for an {@code AS_IS} token). */
    public String resource() {
        return percentDecode(signedResource, "sr");
    }

    /** The signature bytes (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    /** Expiry, seconds since the epoch. */
    public long expiry() {
        return expiry;
    }

    /** {@code skn}, if the token has one. */
    public Optional<String> keyName() {
        return Optional.ofNullable(keyName);
    }

    /** The header value: the token as built, or exactly as parsed. */
    public String value() {
        return value;
    }

    /** Whether the signature is the signer's HMAC over {@code sr + "\n" + se} as received (constant-time comparison). */
    public boolean signatureMatches(Function<byte[], byte[]> signer) {
        byte[] expected = signer.apply(stringToSign(signedResource, expiry));
        return expected != null && MessageDigest.isEqual(expected, signature);
    }

    /** Whether the token is expired at {@code epochSeconds} (it is valid strictly before its expiry). */
    public boolean expiredAt(long epochSeconds) {
        return epochSeconds >= expiry;
    }

    /** A valid token: the signature matches and it has not expired at {@code nowEpochSeconds}. */
    public boolean verify(Function<byte[], byte[]> signer, long nowEpochSeconds) {
        boolean signed = signatureMatches(signer);
        return signed && !expiredAt(nowEpochSeconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SasToken other && signedResource.equals(other.signedResource) && expiry == other.expiry
                && Objects.equals(keyName, other.keyName) && MessageDigest.isEqual(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(signedResource, expiry, keyName, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SasToken[sr=" + signedResource + ", se=" + expiry + (keyName == null ? "" : ", skn=" + keyName)
                + ", sig=(" + signature.length + " bytes, hidden)]";
    }

    /**
     * Percent-encodes as the C SDK does: {@code A-Z a-z 0-9 ! ( ) * - . _} stay, every other UTF-8 byte
     * becomes {@code %xx}.
     */
    private static String percentEncode(String text, char[] hex) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '!' || c == '(' || c == ')' || c == '*' || c == '-' || c == '.' || c == '_') {
                out.append((char) c);
            } else {
                out.append('%').append(hex[c >>> 4]).append(hex[c & 15]);
            }
        }
        return out.toString();
    }

    /** Strict percent-decoding ({@code +} stays {@code +}: base64 uses it), UTF-8. */
    private static String percentDecode(String text, String field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new InvalidInputException("SAS token field " + field + " ends inside a %-escape at position " + i);
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new InvalidInputException("SAS token field " + field + " has a bad %-escape at position " + i);
                }
                out.write(high << 4 | low);
                i += 2;
            } else if (c > 0x7f) {
                throw new InvalidInputException("SAS token field " + field + " has a non-ASCII character at position " + i);
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("SAS token field " + field + " does not decode to UTF-8");
        }
    }

    /** An unencoded resource must survive the token syntax: printable ASCII without {@code & %} or spaces. */
    private static void checkAsIs(String resource) {
        for (int i = 0; i < resource.length(); i++) {
            char c = resource.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '&' || c == '%') {
                throw new InvalidInputException("SAS resource has a character that cannot be sent unencoded at position " + i
                        + " (space, control, non-ASCII, '&' or '%'); use URL_ENCODED");
            }
        }
    }

    private static void checkKeyName(String keyName) {
        if (keyName.isEmpty() || keyName.length() > 256
                || !keyName.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~')) {
            throw new InvalidInputException("SAS key name '" + shorten(keyName) + "' must be 1 to 256 of A-Z a-z 0-9 - . _ ~");
        }
    }

    /** Echoes malformed input in errors without flooding them. */
    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
