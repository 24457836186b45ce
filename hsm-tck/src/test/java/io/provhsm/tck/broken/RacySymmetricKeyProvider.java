package io.provhsm.tck.broken;

import io.provhsm.tck.testing.SoftwareSymmetricKeyProvider;
import java.security.GeneralSecurityException;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Breaks symmetric-key.robustness.concurrent-use: one Mac shared by every call without a lock, with a pause
 * between feeding the data and finishing (as a device round trip would make), so concurrent calls mix.
 */
public final class RacySymmetricKeyProvider extends SoftwareSymmetricKeyProvider {
    private Mac shared;
    private byte[] sharedKey;

    @Override
    public String name() {
        return "broken-racy";
    }

    @Override
    protected byte[] hmac(byte[] key, byte[] data) {
        try {
            if (shared == null || sharedKey != key) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                shared = mac;
                sharedKey = key;
            }
            Mac mac = shared;
            mac.update(data);
            LockSupport.parkNanos(200_000);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
