package io.provhsm.dice;

import io.provhsm.InvalidInputException;
import io.provhsm.dice.crypto.EcKeyPair;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A device's provisioning identity in the open-dice profile. Keys, as the Open Profile for DICE derives them at
 * layer 0: the DeviceID key from the UDS (stable across firmware) and the alias key from the new CDI_Attest (changes
 * with the firmware). Certificates:
 * <ol>
 *   <li>alias (TLS client) certificate: CN = registration id, keyUsage digitalSignature, EKU clientAuth, issued by the
 *       DeviceID key, carrying the layer's measurements as a non-critical OpenDiceInput extension;</li>
 *   <li>DeviceID certificate, issued by the {@link RootCa} (the group enrollment CA);</li>
 *   <li>the Open Profile for DICE layer-0 certificate of the alias key, exactly in the profile's format. Its
 *       OpenDiceInput extension is critical, so generic X.509 verifiers (OpenSSL, PKIX) reject chains that contain it:
 *       it is offered beside the TLS chain, for verifiers that understand DICE.</li>
 * </ol>
 * The registration id is {@code dice-} followed by the DeviceID's identifier in hex: stable, lowercase and derived from
 * the DeviceID public key only. {@link #toString()} shows no key material.
 */
public final class DeviceIdentity {
    static final String REGISTRATION_ID_PREFIX = "dice-";

    private final String registrationId;
    private final EcKeyPair aliasKey;
    private final byte[] aliasCertificate;
    private final byte[] layerCertificate;
    private final byte[] deviceIdCertificate;
    private final RootCa root;

    private DeviceIdentity(String registrationId, EcKeyPair aliasKey, byte[] aliasCertificate, byte[] layerCertificate,
                           byte[] deviceIdCertificate, RootCa root) {
        this.registrationId = registrationId;
        this.aliasKey = aliasKey;
        this.aliasCertificate = aliasCertificate;
        this.layerCertificate = layerCertificate;
        this.deviceIdCertificate = deviceIdCertificate;
        this.root = root;
    }

    /**
     * Derives the identity: DICE layer 0 with the UDS as both current CDIs, the alias key from the new CDI_Attest,
     * and the three certificates.
     */
    public static DeviceIdentity create(byte[] uds, DiceInputs firmware, RootCa root) {
        if (uds == null || uds.length != OpenDice.CDI_SIZE) {
            throw new InvalidInputException("UDS must be " + OpenDice.CDI_SIZE + " bytes, got " + (uds == null ? "none" : uds.length));
        }
        EcKeyPair deviceIdKey = OpenDice.keyPair(uds, "Key Pair");
        byte[] deviceId = OpenDice.id(deviceIdKey.publicPoint());
        OpenDice.Layer layer = OpenDice.computeLayer(deviceIdKey, deviceId, uds, uds, firmware);
        EcKeyPair aliasKey = layer.subjectKey();
        Arrays.fill(layer.cdiAttest(), (byte) 0);
        Arrays.fill(layer.cdiSeal(), (byte) 0);
        // the layer certificate already uses (DeviceID, alias ID) as issuer and serial: the alias certificate gets its own
        byte[] aliasSerial = OpenDice.certificateSerial(aliasKey.publicPoint(), "Alias Certificate");
        String registrationId = REGISTRATION_ID_PREFIX + HexFormat.of().formatHex(deviceId);

        byte[] deviceIdTbs = root.keyId() == null
                ? CertificateSigner.tbs(deviceId, root.subjectName(), X509Extensions.serialNumberName(deviceId),
                        deviceIdKey.subjectPublicKeyInfo(),
                        X509Extensions.subjectKeyId(deviceId),
                        X509Extensions.keyUsage(X509Extensions.KEY_CERT_SIGN),
                        X509Extensions.basicConstraintsCa())
                : CertificateSigner.tbs(deviceId, root.subjectName(), X509Extensions.serialNumberName(deviceId),
                        deviceIdKey.subjectPublicKeyInfo(),
                        X509Extensions.authorityKeyId(root.keyId()),
                        X509Extensions.subjectKeyId(deviceId),
                        X509Extensions.keyUsage(X509Extensions.KEY_CERT_SIGN),
                        X509Extensions.basicConstraintsCa());
        byte[] aliasTbs = CertificateSigner.tbs(aliasSerial, X509Extensions.serialNumberName(deviceId),
                X509Extensions.commonNameName(registrationId), aliasKey.subjectPublicKeyInfo(),
                X509Extensions.authorityKeyId(deviceId),
                X509Extensions.subjectKeyId(layer.subjectId()),
                X509Extensions.keyUsage(X509Extensions.DIGITAL_SIGNATURE),
                X509Extensions.extendedKeyUsageClientAuth(),
                X509Extensions.basicConstraintsEndEntity(),
                OpenDice.openDiceInputExtension(firmware, false));
        return new DeviceIdentity(registrationId, aliasKey,
                CertificateSigner.sign(aliasTbs, deviceIdKey),
                layer.certificateDer(),
                CertificateSigner.sign(deviceIdTbs, root.key()),
                root);
    }

    public String registrationId() {
        return registrationId;
    }

    public EcKeyPair aliasKey() {
        return aliasKey;
    }

    public byte[] aliasCertificate() {
        return aliasCertificate.clone();
    }

    /** The Open Profile for DICE layer-0 certificate. */
    public byte[] layerCertificate() {
        return layerCertificate.clone();
    }

    public byte[] deviceIdCertificate() {
        return deviceIdCertificate.clone();
    }

    public RootCa root() {
        return root;
    }

    /** The chain a TLS client presents: alias, DeviceID (the root is the verifier's trust anchor). */
    public List<byte[]> chain() {
        return List.of(aliasCertificate(), deviceIdCertificate());
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + registrationId + "]";
    }
}
