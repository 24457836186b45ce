package io.provhsm.dice.riot;

import io.provhsm.dice.crypto.Der;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.P256;
import java.util.Base64;

/**
 * One RIoT identity: the DeviceID and alias key pairs and the three certificates, with the exact PEM text the C API
 * returns ({@code hsm_client_riot_*}). {@link #toString()} shows no key material.
 */
public final class RiotIdentity {
    private final EcKeyPair deviceId;
    private final EcKeyPair alias;
    private final EcKeyPair root;
    private final byte[] aliasCertificate;
    private final byte[] deviceCertificate;
    private final byte[] rootCertificate;

    RiotIdentity(EcKeyPair deviceId, EcKeyPair alias, EcKeyPair root, byte[] aliasCertificate, byte[] deviceCertificate,
                 byte[] rootCertificate) {
        this.deviceId = deviceId;
        this.alias = alias;
        this.root = root;
        this.aliasCertificate = aliasCertificate;
        this.deviceCertificate = deviceCertificate;
        this.rootCertificate = rootCertificate;
    }

    public EcKeyPair deviceIdKey() {
        return deviceId;
    }

    public EcKeyPair aliasKey() {
        return alias;
    }

    public EcKeyPair rootKey() {
        return root;
    }

    public byte[] aliasCertificate() {
        return aliasCertificate.clone();
    }

    public byte[] deviceCertificate() {
        return deviceCertificate.clone();
    }

    public byte[] rootCertificate() {
        return rootCertificate.clone();
    }

    public String commonName() {
        return RiotEmulator.ALIAS_COMMON_NAME;
    }

    /** {@code hsm_client_riot_get_certificate}: alias then device certificate, each base64 on one line. */
    public String certificatePem() {
        return pem("CERTIFICATE", aliasCertificate) + pem("CERTIFICATE", deviceCertificate);
    }

    public String aliasCertificatePem() {
        return pem("CERTIFICATE", aliasCertificate);
    }

    /** {@code hsm_client_riot_get_signer_cert}. */
    public String deviceCertificatePem() {
        return pem("CERTIFICATE", deviceCertificate);
    }

    /** {@code hsm_client_riot_get_root_cert}. */
    public String rootCertificatePem() {
        return pem("CERTIFICATE", rootCertificate);
    }

    /** {@code hsm_client_riot_get_device_cert}: the DeviceID public key. */
    public String deviceIdPublicKeyPem() {
        return pem("PUBLIC KEY", deviceId.subjectPublicKeyInfo());
    }

    /** {@code hsm_client_riot_get_alias_key}: SEC1 EC PRIVATE KEY. Secret: the caller wipes or protects it. */
    public String aliasPrivateKeyPem() {
        return pem("EC PRIVATE KEY", sec1(alias));
    }

    /** {@code hsm_client_riot_get_root_key}: SEC1 EC PRIVATE KEY of the root (a public test key in the reference). */
    public String rootPrivateKeyPem() {
        return pem("EC PRIVATE KEY", sec1(root));
    }

    private static byte[] sec1(EcKeyPair key) {
        return Der.sequence(
                Der.smallInteger(1),
                Der.octetString(P256.scalarBytes(key.privateScalar())),
                Der.explicit(0, Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07})),
                Der.explicit(1, Der.bitString(key.publicPoint())));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return "RiotIdentity[" + RiotEmulator.ALIAS_COMMON_NAME + "]";
    }
}
