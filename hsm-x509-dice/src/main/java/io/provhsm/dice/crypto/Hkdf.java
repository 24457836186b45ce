package io.provhsm.dice.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** HKDF-SHA512 (RFC 5869), the KDF of the Open Profile for DICE. */
public final class Hkdf {
    private Hkdf() {
    }

    public static byte[] sha512(int length, byte[] ikm, byte[] salt, String info) {
        return sha512(length, ikm, salt, info.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] sha512(int length, byte[] ikm, byte[] salt, byte[] info) {
        HMac hmac = new HMac(new SHA512Digest());
        int hashLength = hmac.getMacSize();
        if (length > 255 * hashLength) {
            throw new IllegalArgumentException("HKDF output of " + length + " bytes is too long");
        }
        byte[] prk = new byte[hashLength];
        hmac.init(new KeyParameter(salt == null || salt.length == 0 ? new byte[hashLength] : salt));
        hmac.update(ikm, 0, ikm.length);
        hmac.doFinal(prk, 0);

        byte[] out = new byte[length];
        byte[] block = new byte[hashLength];
        hmac.init(new KeyParameter(prk));
        int at = 0;
        for (int counter = 1; at < length; counter++) {
            if (counter > 1) {
                hmac.update(block, 0, hashLength);
            }
            hmac.update(info, 0, info.length);
            hmac.update((byte) counter);
            hmac.doFinal(block, 0);
            int n = Math.min(hashLength, length - at);
            System.arraycopy(block, 0, out, at, n);
            at += n;
        }
        Arrays.fill(prk, (byte) 0);
        Arrays.fill(block, (byte) 0);
        return out;
    }
}
