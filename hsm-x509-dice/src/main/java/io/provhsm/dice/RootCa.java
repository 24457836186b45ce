package io.provhsm.dice;

import io.provhsm.HsmConfigException;
import io.provhsm.Pem;
import io.provhsm.dice.crypto.Der;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.P256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The manufacturer's signer: the CA a group enrollment is made with, which issues each device's DeviceID certificate.
 * Its key is derived from a signer secret, or loaded (P-256 only) from a PEM or PKCS#12 file.
 */
public final class RootCa {
    static final String COMMON_NAME = "provhsm DICE group CA";

    private final EcKeyPair key;
    private final byte[] certificateDer;
    private final byte[] subjectName;
    private final byte[] keyId;

    private RootCa(EcKeyPair key, byte[] certificateDer, byte[] subjectName, byte[] keyId) {
        this.key = key;
        this.certificateDer = certificateDer;
        this.subjectName = subjectName;
        this.keyId = keyId;
    }

    /** A self-signed root whose key is derived from the secret (HKDF, then the DICE HMAC_DRBG key derivation). */
    public static RootCa derive(byte[] signerSecret) {
        return selfSigned(OpenDice.keyPair(signerSecret, "Root CA Key Pair"));
    }

    /** A self-signed root for a key: CN and SERIALNUMBER = key id, CA, keyCertSign + cRLSign, SKI = AKI = key id. */
    static RootCa selfSigned(EcKeyPair key) {
        byte[] id = OpenDice.id(key.publicPoint());
        byte[] name = Der.sequence(
                Der.set(Der.sequence(Der.oid(X509Extensions.OID_COMMON_NAME), Der.utf8(COMMON_NAME))),
                Der.set(Der.sequence(Der.oid(X509Extensions.OID_SERIAL_NUMBER), Der.printable(java.util.HexFormat.of().formatHex(id)))));
        byte[] tbs = CertificateSigner.tbs(id, name, name, key.subjectPublicKeyInfo(),
                X509Extensions.authorityKeyId(id),
                X509Extensions.subjectKeyId(id),
                X509Extensions.keyUsage(X509Extensions.KEY_CERT_SIGN_AND_CRL_SIGN),
                X509Extensions.basicConstraintsCa());
        return new RootCa(key, CertificateSigner.sign(tbs, key), name, id);
    }

    /** A root given as its key and certificate (the caller has checked that they belong together). */
    static RootCa of(EcKeyPair key, X509Certificate certificate, String what) {
        try {
            byte[] der = certificate.getEncoded();
            byte[] subject = certificate.getSubjectX500Principal().getEncoded();
            byte[] ski = certificate.getExtensionValue("2.5.29.14");
            byte[] keyId = ski == null ? null
                    : org.bouncycastle.asn1.ASN1OctetString.getInstance(
                            org.bouncycastle.asn1.ASN1OctetString.getInstance(ski).getOctets()).getOctets();
            return new RootCa(key, der, subject, keyId);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new HsmConfigException(what + ": its certificate cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the signer from a file: PKCS#12 ({@code .p12}, {@code .pfx}) with {@code password}, or PEM with a
     * {@code PRIVATE KEY} or {@code EC PRIVATE KEY} block and optionally its {@code CERTIFICATE} (without one, a
     * self-signed root is made for the key).
     *
     * @param what names the file and its setting in messages
     */
    static RootCa load(Path file, char[] password, String what) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HsmConfigException(what + " " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        try {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".p12") || name.endsWith(".pfx")) {
                return loadPkcs12(content, password, what + " " + file);
            }
            return loadPem(new String(content, StandardCharsets.US_ASCII), what + " " + file);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static RootCa loadPkcs12(byte[] content, char[] password, String what) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new ByteArrayInputStream(content)) {
                store.load(in, password);
            }
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Key key = store.getKey(alias, password);
                    EcKeyPair pair = p256(key, what);
                    X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
                    return certificate == null ? selfSigned(pair) : checked(pair, certificate, what);
                }
            }
            throw new HsmConfigException(what + " holds no private key entry");
        } catch (IOException e) {
            throw new HsmConfigException(what + " cannot be opened as PKCS#12 (wrong password or not PKCS#12): " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new HsmConfigException(what + " cannot be read as PKCS#12: " + e.getMessage());
        }
    }

    private static RootCa loadPem(String text, String what) {
        List<byte[]> pkcs8 = Pem.decode("PRIVATE KEY", text);
        List<byte[]> sec1 = Pem.decode("EC PRIVATE KEY", text);
        EcKeyPair pair;
        try {
            if (!pkcs8.isEmpty()) {
                pair = p256(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8.get(0))), what);
            } else if (!sec1.isEmpty()) {
                org.bouncycastle.asn1.sec.ECPrivateKey parsed = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1.get(0));
                if (parsed.getParametersObject() != null
                        && !org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1.equals(parsed.getParametersObject())) {
                    throw new HsmConfigException(what + ": the EC PRIVATE KEY is not on P-256 (prime256v1)");
                }
                pair = scalar(parsed.getKey(), what);
            } else {
                throw new HsmConfigException(what + " holds no PRIVATE KEY or EC PRIVATE KEY PEM block");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new HsmConfigException(what + ": the private key does not parse: " + e.getMessage());
        } finally {
            pkcs8.forEach(b -> Arrays.fill(b, (byte) 0));
            sec1.forEach(b -> Arrays.fill(b, (byte) 0));
        }
        List<byte[]> certificates = Pem.decode("CERTIFICATE", text);
        if (certificates.isEmpty()) {
            return selfSigned(pair);
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificates.get(0)));
            return checked(pair, certificate, what);
        } catch (CertificateException e) {
            throw new HsmConfigException(what + ": the certificate does not parse: " + e.getMessage());
        }
    }

    private static RootCa checked(EcKeyPair pair, X509Certificate certificate, String what) {
        byte[] expected = pair.subjectPublicKeyInfo();
        if (!Arrays.equals(expected, certificate.getPublicKey().getEncoded())) {
            throw new HsmConfigException(what + ": the certificate's public key is not the private key's");
        }
        return of(pair, certificate, what);
    }

    private static EcKeyPair p256(Key key, String what) {
        if (!(key instanceof ECPrivateKey ec) || ec.getParams().getOrder().compareTo(P256.N) != 0
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new HsmConfigException(what + ": the signer key must be an EC P-256 key, got "
                    + (key == null ? "none" : key.getAlgorithm()));
        }
        return scalar(ec.getS(), what);
    }

    private static EcKeyPair scalar(BigInteger d, String what) {
        if (!P256.isPrivateScalar(d)) {
            throw new HsmConfigException(what + ": the private key is out of range for P-256");
        }
        return EcKeyPair.fromPrivateScalar(d);
    }

    EcKeyPair key() {
        return key;
    }

    /** DER of the root certificate. */
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    /** DER of the subject Name, the issuer of the certificates this root signs. */
    byte[] subjectName() {
        return subjectName;
    }

    /** The subject key identifier, or null if the certificate has none. */
    byte[] keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "RootCa[" + certificateDer.length + "-byte certificate]";
    }
}
