package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Symmetric keys as the provisioning service shows them (base64 text) and the group-enrollment
 * derivation of a device key. Errors name the key by its role and length, never by its value.
 */
public final class SymmetricKeys {
    /** The service accepts keys of 16 to 64 bytes. */
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 64;

    private SymmetricKeys() {
    }

    /**
     * Decodes a base64 key (surrounding whitespace ignored). {@code what} names the key in errors
     * ("provhsm.symmetric-key.key (environment ...)"). The caller owns and wipes both arrays.
     */
    public static byte[] decode(char[] base64, String what) {
        Objects.requireNonNull(base64, what);
        int start = 0;
        int end = base64.length;
        while (start < end && Character.isWhitespace(base64[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(base64[end - 1])) {
            end--;
        }
        if (start == end) {
            throw new InvalidInputException(what + " is empty");
        }
        byte[] ascii = new byte[end - start];
        try {
            for (int i = start; i < end; i++) {
                char c = base64[i];
                if (c > 0x7f) {
                    throw new InvalidInputException(what + " is not base64: non-ASCII character at position " + (i - start));
                }
                ascii[i - start] = (byte) c;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(ascii);
            } catch (IllegalArgumentException e) {
                // the JDK's message quotes the offending character, which is part of the secret: leave it out
                throw new InvalidInputException(what + " is not base64 (" + ascii.length + " characters)");
            }
            if (key.length < MIN_LENGTH || key.length > MAX_LENGTH) {
                int length = key.length;
                HmacSha256.wipe(key);
                throw new InvalidInputException(what + " is " + length + " bytes; a key must be "
                        + MIN_LENGTH + " to " + MAX_LENGTH + " bytes");
            }
            return key;
        } finally {
            HmacSha256.wipe(ascii);
        }
    }

    /** {@link #decode(char[], String)} of a String (which cannot be wiped: prefer char[] where the caller can). */
    public static byte[] decode(String base64, String what) {
        char[] chars = Objects.requireNonNull(base64, what).toCharArray();
        try {
            return decode(chars, what);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }

    /**
     * The device key of a group (symmetric-key) enrollment member:
     * HMAC-SHA256(group key, UTF-8 registration id), 32 bytes.
     */
    public static byte[] deriveDeviceKey(byte[] groupKey, String registrationId) {
        Objects.requireNonNull(groupKey, "groupKey");
        RegistrationIds.requireValid(registrationId);
        return HmacSha256.compute(groupKey, registrationId.getBytes(StandardCharsets.UTF_8));
    }

    /** The device key as the service shows it: base64(HMAC-SHA256(base64-decoded group key, registration id)). */
    public static String deriveDeviceKeyBase64(String groupKeyBase64, String registrationId) {
        byte[] groupKey = decode(groupKeyBase64, "group key");
        byte[] deviceKey = null;
        try {
            deviceKey = deriveDeviceKey(groupKey, registrationId);
            return Base64.getEncoder().encodeToString(deviceKey);
        } finally {
            HmacSha256.wipe(groupKey);
            HmacSha256.wipe(deviceKey);
        }
    }
}
