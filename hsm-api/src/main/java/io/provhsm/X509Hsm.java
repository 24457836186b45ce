package io.provhsm;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * An X.509 identity: the counterpart of the C SDK's {@code HSM_CLIENT_X509_INTERFACE}.
 *
 * <p>Implementations are thread-safe; the returned certificates are immutable.
 */
public interface X509Hsm extends Hsm {

    @Override
    default Mechanism mechanism() {
        return Mechanism.X509;
    }

    /** The chain presented in TLS client authentication, leaf first. Never empty. */
    List<X509Certificate> certificateChain();

    /**
     * The private key of the leaf certificate. A key that lives in hardware is a handle whose
     * {@code getEncoded()} is null, usable through the JCA provider that issued it.
     */
    PrivateKey aliasKey();

    /** The leaf certificate's common name. */
    String commonName();

    /** The provisioning service takes the leaf's common name as the registration id. */
    @Override
    default String registrationId() {
        return commonName();
    }

    /** The CA certificate a group enrollment is made with, where this identity knows it. */
    default Optional<X509Certificate> rootCertificate() {
        return Optional.empty();
    }

    /** {@link #certificateChain()} as concatenated PEM blocks, leaf first. */
    default String certificateChainPem() {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificateChain()) {
            pem.append(Pem.certificate(certificate));
        }
        return pem.toString();
    }

    /** The alias key as PKCS#8 PEM, only where the key really is exportable. */
    default Optional<String> aliasKeyPem() {
        PrivateKey key = aliasKey();
        byte[] encoded = key.getEncoded();
        if (encoded == null || !"PKCS#8".equals(key.getFormat())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.encode("PRIVATE KEY", encoded));
        } finally {
            java.util.Arrays.fill(encoded, (byte) 0);
        }
    }
}
