package io.provhsm.tck.broken;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.testing.SoftwareX509Provider;
import io.provhsm.tck.testing.SoftwareX509Session;
import io.provhsm.tck.testing.TestPki;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.Map;

/**
 * Breaks x509.function.signature-verifies-with-leaf: the alias key is a hardware-style handle (no encoding)
 * whose JCA provider signs with another key than the leaf's.
 */
public final class WrongSignerProvider extends SoftwareX509Provider {
    private static final KeyPair OTHER = TestPki.ecKeyPair();

    static {
        Security.addProvider(new HandleProvider());
    }

    @Override
    public String name() {
        return "broken-wrong-signer";
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        Identity identity = identity();
        return new SoftwareX509Session(identity.chain(), new Handle(OTHER.getPrivate()), identity.registrationId(),
                identity.root().certificate());
    }

    /** A key that lives "in the device": no format, no encoding. */
    static final class Handle implements PrivateKey {
        private static final long serialVersionUID = 1L;
        final transient PrivateKey inside;

        Handle(PrivateKey inside) {
            this.inside = inside;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    /** The device's JCA provider: SHA256withECDSA for {@link Handle} keys only. */
    public static final class HandleProvider extends Provider {
        private static final long serialVersionUID = 1L;

        public HandleProvider() {
            super("ProvhsmTestHandle", "1.0", "test-only signer for handle keys");
            putService(new Service(this, "Signature", "SHA256withECDSA", HandleSignature.class.getName(), null,
                    Map.of("SupportedKeyClasses", Handle.class.getName())));
        }
    }

    public static final class HandleSignature extends SignatureSpi {
        private Signature delegate;

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            if (!(key instanceof Handle handle)) {
                throw new InvalidKeyException("not a handle");
            }
            try {
                delegate = Signature.getInstance("SHA256withECDSA", "SunEC");
                delegate.initSign(handle.inside);
            } catch (java.security.GeneralSecurityException e) {
                throw new InvalidKeyException(e);
            }
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            throw new InvalidKeyException("verification is not offered");
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            delegate.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            delegate.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return delegate.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return false;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException();
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
