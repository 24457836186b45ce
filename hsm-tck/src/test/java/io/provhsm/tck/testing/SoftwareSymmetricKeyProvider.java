package io.provhsm.tck.testing;

import io.provhsm.Hsm;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@code test-symmetric}: a correct symmetric-key provider whose identity lives as long as the JVM. */
public class SoftwareSymmetricKeyProvider implements HsmProvider {
    private static final Map<String, Identity> IDENTITIES = new ConcurrentHashMap<>();

    /** The device's registration id and key; setKeyInfo replaces both at once. */
    protected static final class Identity {
        volatile String registrationId;
        volatile byte[] key;

        Identity(String registrationId, byte[] key) {
            this.registrationId = registrationId;
            this.key = key;
        }
    }

    @Override
    public String name() {
        return "test-symmetric";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.SYMMETRIC_KEY);
    }

    @Override
    public Availability availability(HsmConfig config) {
        return Availability.available("software key for tests");
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    protected Identity identity() {
        return IDENTITIES.computeIfAbsent(name(), n -> {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return new Identity(n + "-device", key);
        });
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        return newSession(identity());
    }

    /** A session on the identity; a broken provider returns one whose {@link Session#hmac} misbehaves. */
    protected Session newSession(Identity identity) {
        return new Session(identity);
    }

    protected class Session implements SymmetricKeyHsm {
        private final Identity identity;
        private volatile boolean closed;

        protected Session(Identity identity) {
            this.identity = identity;
        }

        private void open() {
            if (closed) {
                throw new IllegalStateException("session is closed");
            }
        }

        /** HMAC-SHA256 with the identity's key; a fresh Mac per call, so concurrent calls are safe. */
        protected byte[] hmac(byte[] key, byte[] data) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String registrationId() {
            open();
            return identity.registrationId;
        }

        @Override
        public byte[] sign(byte[] data) {
            open();
            return hmac(identity.key, data);
        }

        @Override
        public void setKeyInfo(String registrationId, char[] base64Key) {
            open();
            RegistrationIds.requireValid(registrationId);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(new String(base64Key));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("device key is not base64");
            }
            if (key.length == 0) {
                throw new InvalidInputException("device key is empty");
            }
            synchronized (identity) {
                identity.key = key;
                identity.registrationId = registrationId;
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
