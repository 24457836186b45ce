package io.provhsm.tck.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test certificates: P-256 keys and certificates issued with BouncyCastle. */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair with its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    public static Issued selfSignedCa(String commonName) {
        KeyPair keys = ecKeyPair();
        return new Issued(keys, certificate(commonName, keys.getPublic(), commonName, keys.getPrivate(), true, Duration.ofDays(1)));
    }

    public static Issued issue(String commonName, Issued issuer, boolean ca) {
        KeyPair keys = ecKeyPair();
        return new Issued(keys, certificate(commonName, keys.getPublic(), X500Subject.cn(issuer.certificate()), issuer.keys().getPrivate(), ca,
                Duration.ofDays(1)));
    }

    public static X509Certificate certificate(String subjectCn, PublicKey subjectKey, String issuerCn, PrivateKey issuerKey,
                                              boolean ca, Duration validity) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
                    new BigInteger(64, RANDOM), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)),
                    new X500Name("CN=" + subjectCn), subjectKey);
            builder.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CN of a certificate made here. */
    static final class X500Subject {
        static String cn(X509Certificate certificate) {
            String name = certificate.getSubjectX500Principal().getName();
            return name.substring(name.indexOf("CN=") + 3).split(",")[0];
        }
    }
}
