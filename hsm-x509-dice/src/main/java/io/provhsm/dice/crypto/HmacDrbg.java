package io.provhsm.dice.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC_DRBG of NIST SP 800-90A without reseeding or additional input, as mbedtls and RIoT use it:
 * instantiate with K = 0.., V = 1.. and update(seed material); each {@link #generate} call ends with update().
 * Not thread-safe.
 */
public final class HmacDrbg {
    private final HMac hmac;
    private final byte[] key;
    private final byte[] value;

    /** Instantiates with the concatenation of {@code seedMaterial} (entropy || nonce || personalization). */
    public HmacDrbg(Digest digest, byte[]... seedMaterial) {
        this.hmac = new HMac(digest);
        int size = hmac.getMacSize();
        this.key = new byte[size];
        this.value = new byte[size];
        Arrays.fill(value, (byte) 1);
        update(seedMaterial);
    }

    private void update(byte[]... data) {
        boolean hasData = false;
        for (byte[] part : data) {
            hasData |= part.length > 0;
        }
        round((byte) 0, data);
        if (hasData) {
            round((byte) 1, data);
        }
    }

    private void round(byte separator, byte[]... data) {
        hmac.init(new KeyParameter(key));
        hmac.update(value, 0, value.length);
        hmac.update(separator);
        for (byte[] part : data) {
            hmac.update(part, 0, part.length);
        }
        hmac.doFinal(key, 0);
        hmac.init(new KeyParameter(key));
        hmac.update(value, 0, value.length);
        hmac.doFinal(value, 0);
    }

    /** Fills {@code out} with the next output of one generate request. */
    public void generate(byte[] out) {
        hmac.init(new KeyParameter(key));
        int at = 0;
        while (at < out.length) {
            hmac.update(value, 0, value.length);
            hmac.doFinal(value, 0);
            int n = Math.min(value.length, out.length - at);
            System.arraycopy(value, 0, out, at, n);
            at += n;
        }
        update();
    }

    public byte[] generate(int length) {
        byte[] out = new byte[length];
        generate(out);
        return out;
    }

    /** Erases the internal state. */
    public void wipe() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(value, (byte) 0);
        hmac.reset();
    }
}
