package io.provhsm.tck.broken;

import io.provhsm.tck.testing.SoftwareSymmetricKeyProvider;
import java.security.GeneralSecurityException;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Breaks symmetric-key.robustness.concurrent-use: each session shares one Mac among all its calls without a
 * lock, with a pause between feeding the data and finishing (as a device round trip would make), so concurrent
 * calls mix. The Mac belongs to the session, not the provider: whatever state the race leaves in it ends with
 * the session, so a later rule's fresh session is not damaged by this one's.
 */
public final class RacySymmetricKeyProvider extends SoftwareSymmetricKeyProvider {

    @Override
    public String name() {
        return "broken-racy";
    }

    @Override
    protected Session newSession(Identity identity) {
        return new Session(identity) {
            private Mac shared;
            private byte[] sharedKey;

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
        };
    }
}
