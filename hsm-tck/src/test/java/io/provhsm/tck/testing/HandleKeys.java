package io.provhsm.tck.testing;

import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.Map;

/**
 * Hardware-style key handles for tests: a {@link Handle} has no format and no encoding, and only the JCA
 * provider registered here signs with it (SHA256withECDSA, selected through SupportedKeyClasses, as a
 * secure element's provider would be).
 */
public final class HandleKeys {
    private HandleKeys() {
    }

    /** Registers the handles' JCA provider once (at the end of the provider list, as a vendor's would be). */
    static synchronized void register() {
        if (Security.getProvider(HandleProvider.NAME) == null) {
            Security.addProvider(new HandleProvider());
        }
    }

    /** A key that lives "in the device": it signs with {@code inside}, which it never shows. */
    public static final class Handle implements PrivateKey {
        private static final long serialVersionUID = 1L;
        final transient PrivateKey inside;

        public Handle(PrivateKey inside) {
            register();
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

    public static final class HandleProvider extends Provider {
        private static final long serialVersionUID = 1L;
        static final String NAME = "ProvhsmTestHandle";

        public HandleProvider() {
            super(NAME, "1.0", "test-only signer for handle keys");
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
