package io.provhsm.tck.dps;

import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderTpm;
import io.provhsm.TpmHsm;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.X509Hsm;
import io.provhsm.tck.service.LoopbackServerIdentity;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * Adapters that let the official Azure Java device client use our providers. Keys stay in the HSM: the
 * symmetric adapter signs through {@link SymmetricKeyHsm#sign}, the X.509 adapter's SSLContext hands JSSE
 * the HSM's key handle through {@link HsmKeyManager}.
 */
final class AzureSecurityProviders {
    /** What the client is given instead of the key; it only passes it back to {@code HMACSignData}, which ignores it. */
    private static final byte[] NOT_THE_KEY = Base64.getEncoder().encode("not-the-device-key".getBytes(StandardCharsets.US_ASCII));

    private AzureSecurityProviders() {
    }

    static final class SymmetricKey extends SecurityProviderSymmetricKey {
        private final SymmetricKeyHsm hsm;
        private final X509Certificate trustedServer;

        SymmetricKey(SymmetricKeyHsm hsm, X509Certificate trustedServer) {
            super(NOT_THE_KEY, hsm.registrationId());
            this.hsm = hsm;
            this.trustedServer = trustedServer;
        }

        @Override
        public String getRegistrationId() {
            return hsm.registrationId();
        }

        @Override
        public byte[] HMACSignData(byte[] data, byte[] ignoredKey) {
            return hsm.sign(data);
        }

        @Override
        public SSLContext getSSLContext() {
            return LoopbackServerIdentity.clientContext(trustedServer, null);
        }
    }

    static final class X509 extends SecurityProviderX509 {
        private final X509Hsm hsm;
        private final X509Certificate trustedServer;

        X509(X509Hsm hsm, X509Certificate trustedServer) {
            this.hsm = hsm;
            this.trustedServer = trustedServer;
        }

        @Override
        public String getClientCertificateCommonName() {
            return hsm.commonName();
        }

        @Override
        public X509Certificate getClientCertificate() {
            return hsm.certificateChain().get(0);
        }

        @Override
        public Key getClientPrivateKey() {
            return hsm.aliasKey();
        }

        @Override
        public Collection<X509Certificate> getIntermediateCertificatesChain() {
            List<X509Certificate> chain = hsm.certificateChain();
            return chain.subList(1, chain.size());
        }

        /** Instead of copying the key into a KeyStore (which fails for handles), JSSE asks the HSM. */
        @Override
        public SSLContext getSSLContext() {
            return LoopbackServerIdentity.clientContext(trustedServer, new KeyManager[] {new HsmKeyManager(hsm)});
        }
    }

    /** TPM: the client hands the blobs to the TPM and asks it for HMACs; nothing leaves the TPM. */
    static final class Tpm extends SecurityProviderTpm {
        private final TpmHsm hsm;
        private final X509Certificate trustedServer;

        Tpm(TpmHsm hsm, X509Certificate trustedServer) {
            this.hsm = hsm;
            this.trustedServer = trustedServer;
        }

        @Override
        public byte[] activateIdentityKey(byte[] blob) {
            hsm.activateIdentityKey(blob);
            return new byte[0];
        }

        @Override
        public byte[] getEndorsementKey() {
            return hsm.endorsementKey();
        }

        @Override
        public byte[] getStorageRootKey() {
            return hsm.storageRootKey();
        }

        @Override
        public byte[] signWithIdentity(byte[] data) {
            return hsm.signWithIdentity(data);
        }

        @Override
        public String getRegistrationId() {
            return hsm.registrationId();
        }

        @Override
        public SSLContext getSSLContext() {
            return LoopbackServerIdentity.clientContext(trustedServer, null);
        }
    }
}
