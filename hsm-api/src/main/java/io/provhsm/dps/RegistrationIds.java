package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/** Registration ids: derivation from a TPM endorsement key, and the service's rules for any id. */
public final class RegistrationIds {
    /** The service accepts lowercase alphanumerics and {@code - . _ :}, at most 128 characters. */
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[a-z0-9\\-._:]{1," + MAX_LENGTH + "}");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private RegistrationIds() {
    }

    /**
     * The id the C SDK derives from an EK: lowercase RFC 4648 base32 of SHA-256 over the EK's
     * {@code TPM2B_PUBLIC} bytes, padding stripped (52 characters).
     */
    public static String fromEndorsementKey(byte[] ekTpm2bPublic) {
        if (ekTpm2bPublic == null || ekTpm2bPublic.length == 0) {
            throw new InvalidInputException("endorsement key is empty");
        }
        try {
            return base32(MessageDigest.getInstance("SHA-256").digest(ekTpm2bPublic));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Lowercase RFC 4648 base32 without padding. */
    public static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    public static boolean isValid(String registrationId) {
        return registrationId != null && VALID.matcher(registrationId).matches();
    }

    /** Returns the id, or throws naming the rule it breaks. */
    public static String requireValid(String registrationId) {
        if (registrationId == null || registrationId.isEmpty()) {
            throw new InvalidInputException("registration id is empty");
        }
        if (registrationId.length() > MAX_LENGTH) {
            throw new InvalidInputException("registration id is " + registrationId.length() + " characters; at most " + MAX_LENGTH);
        }
        if (!VALID.matcher(registrationId).matches()) {
            throw new InvalidInputException("registration id '" + registrationId
                    + "' has characters outside lowercase a-z, 0-9, '-', '.', '_', ':'");
        }
        return registrationId;
    }
}
