package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * HMAC-SHA256 with a key held in a byte array the caller owns (and wipes). Unlike {@code SecretKeySpec},
 * which keeps an unwipeable copy of the key, nothing here outlives the call: the JDK's HMAC wipes the copy
 * it is handed, and the padded key inside the {@link Mac} is overwritten before returning.
 */
public final class HmacSha256 {
    /** Length of the output in bytes. */
    public static final int LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /**
     * HMAC-SHA256 under {@code key} of the concatenation of {@code parts} (usually one); no array is retained
     * or modified. Thread-safe.
     */
    public static byte[] compute(byte[] key, byte[]... parts) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(parts, "data");
        for (byte[] part : parts) {
            Objects.requireNonNull(part, "data");
        }
        if (key.length == 0) {
            throw new InvalidInputException("HMAC key is empty");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new BorrowedKey(key));
            try {
                for (byte[] part : parts) {
                    mac.update(part);
                }
                return mac.doFinal();
            } finally {
                // the Mac keeps the key XORed with ipad/opad; re-keying overwrites those buffers
                mac.init(new BorrowedKey(new byte[1]));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    /** A key view that hands out copies (the JCA wipes each copy it is given) and is never stored. */
    private static final class BorrowedKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final transient byte[] key;

        BorrowedKey(byte[] key) {
            this.key = key;
        }

        @Override
        public String getAlgorithm() {
            return ALGORITHM;
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "HmacSHA256 key (" + key.length + " bytes)";
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** Overwrites a secret with zeros; null is ignored. */
    public static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
