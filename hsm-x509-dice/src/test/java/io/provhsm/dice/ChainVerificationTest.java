package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import io.provhsm.dps.RegistrationIds;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning chain verifies with OpenSSL, the JDK's PKIX validator and BouncyCastle's, and has the promised shape. */
class ChainVerificationTest {
    private static final Provider BC = new BouncyCastleProvider();

    @TempDir
    Path dir;

    @Test
    void defaultIdentityChainVerifiesWithJdkBouncyCastleAndOpenSsl() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("data"))) {
            assertEquals("open-dice", hsm.profile());
            verifyEverywhere(hsm.certificateChain(), hsm.rootCertificate().orElseThrow());
        }
    }

    @Test
    void leafHasTheRegistrationIdAndTlsClientUsagesAndKeyIdsLinkTheChain() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("data"))) {
            List<X509Certificate> chain = hsm.certificateChain();
            X509Certificate leaf = chain.get(0);
            X509Certificate deviceId = chain.get(1);
            X509Certificate root = hsm.rootCertificate().orElseThrow();

            String cn = hsm.commonName();
            assertEquals(new X500Principal("CN=" + cn), leaf.getSubjectX500Principal());
            assertEquals(cn, hsm.registrationId());
            assertTrue(RegistrationIds.isValid(cn), cn);
            assertEquals(cn.toLowerCase(java.util.Locale.ROOT), cn);
            assertTrue(cn.startsWith("dice-"), cn);

            boolean[] usage = leaf.getKeyUsage();
            assertTrue(usage[0], "digitalSignature");
            for (int i = 1; i < usage.length; i++) {
                assertFalse(usage[i], "only digitalSignature, bit " + i);
            }
            assertEquals(List.of("1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
            assertEquals(-1, leaf.getBasicConstraints());
            assertTrue(deviceId.getBasicConstraints() >= 0);
            assertTrue(root.getBasicConstraints() >= 0);

            assertArrayEquals(ski(deviceId), aki(leaf));
            assertArrayEquals(ski(root), aki(deviceId));
            assertArrayEquals(ski(leaf), Arrays.copyOf(ski(leaf), 20));
            // the DeviceID's identifier is in the registration id: derived from the DeviceID public key
            assertEquals("dice-" + java.util.HexFormat.of().formatHex(ski(deviceId)), cn);
        }
    }

    @Test
    void diceLayerCertificateCertifiesTheAliasKeyAndIsSignedByTheDeviceIdKey() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("data"))) {
            X509Certificate layer = hsm.diceLayerCertificate().orElseThrow();
            X509Certificate leaf = hsm.certificateChain().get(0);
            X509Certificate deviceId = hsm.certificateChain().get(1);
            assertEquals(leaf.getPublicKey(), layer.getPublicKey());
            layer.verify(deviceId.getPublicKey());
            assertTrue(layer.getCriticalExtensionOIDs().contains("1.3.6.1.4.1.11129.2.1.24"));
            assertTrue(leaf.getNonCriticalExtensionOIDs().contains("1.3.6.1.4.1.11129.2.1.24"), "measurements on the leaf too");
            // the alias key signs what the leaf's public key verifies
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(hsm.aliasKey());
            signer.update(new byte[] {1, 2, 3});
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(new byte[] {1, 2, 3});
            assertTrue(verifier.verify(signature));
        }
    }

    @Test
    void aChainUnderAnotherRootIsRejected() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("a"));
             DiceX509Hsm other = DiceSessions.open(dir.resolve("b"))) {
            assertThrows(CertPathValidatorException.class,
                    () -> pkix(hsm.certificateChain(), other.rootCertificate().orElseThrow(), null));
            OpenSsl.Result result = openSslVerify(hsm.certificateChain(), other.rootCertificate().orElseThrow());
            assertNotEquals(0, result.exitCode(), result.output());
        }
    }

    @Test
    void signerSecretGivesTheSameRootOnEveryDevice() throws Exception {
        String secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        try (DiceX509Hsm a = DiceSessions.open(dir.resolve("a"), DiceSettings.SIGNER_SECRET, secret);
             DiceX509Hsm b = DiceSessions.open(dir.resolve("b"), DiceSettings.SIGNER_SECRET, secret)) {
            assertEquals(a.rootCertificate().orElseThrow(), b.rootCertificate().orElseThrow());
            assertNotEquals(a.registrationId(), b.registrationId(), "two UDS files, two devices");
            verifyEverywhere(b.certificateChain(), a.rootCertificate().orElseThrow());
            assertTrue(dir.resolve("a").resolve(DiceSettings.UDS_FILE_NAME).toFile().exists());
            assertFalse(dir.resolve("a").resolve(DiceSettings.SIGNER_FILE_NAME).toFile().exists(), "secret given: no signer file");
        }
    }

    @Test
    void signerLoadedFromOpenSslMadePemAndPkcs12() throws Exception {
        OpenSsl.Result key = OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test Group CA/O=provhsm tests", "-days", "30",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        assertEquals(0, key.exitCode(), key.output());
        OpenSsl.Result p12 = OpenSsl.run(dir, "pkcs12", "-export", "-inkey", "ca.key", "-in", "ca.pem", "-out", "ca.p12",
                "-passout", "pass:pkcs12-password");
        assertEquals(0, p12.exitCode(), p12.output());
        String pem = java.nio.file.Files.readString(dir.resolve("ca.key")) + java.nio.file.Files.readString(dir.resolve("ca.pem"));
        OpenSsl.write(dir, "signer.pem", pem);
        X509Certificate expectedRoot = Pem.certificates(java.nio.file.Files.readString(dir.resolve("ca.pem"))).get(0);

        try (DiceX509Hsm fromPem = DiceSessions.open(dir.resolve("a"), DiceSettings.SIGNER_KEY_FILE, dir.resolve("signer.pem").toString());
             DiceX509Hsm fromP12 = DiceSessions.open(dir.resolve("a"), DiceSettings.SIGNER_KEY_FILE, dir.resolve("ca.p12").toString(),
                     DiceSettings.SIGNER_KEY_PASSWORD, "pkcs12-password")) {
            assertEquals(expectedRoot, fromPem.rootCertificate().orElseThrow());
            assertEquals(expectedRoot, fromP12.rootCertificate().orElseThrow());
            assertEquals(fromPem.certificateChain().get(0), fromP12.certificateChain().get(0), "same UDS, same signer: same leaf");
            verifyEverywhere(fromPem.certificateChain(), expectedRoot);
        }
    }

    @Test
    void riotFixedChainSignaturesVerifyButTheShippedRootDoesNot() throws Exception {
        try (DiceX509Hsm fixed = DiceSessions.open(dir, DiceSettings.PROFILE, "riot-fixed");
             DiceX509Hsm riot = DiceSessions.open(dir, DiceSettings.PROFILE, "riot")) {
            X509Certificate root = fixed.rootCertificate().orElseThrow();
            root.verify(root.getPublicKey());
            fixed.certificateChain().get(1).verify(root.getPublicKey());
            fixed.certificateChain().get(0).verify(fixed.certificateChain().get(1).getPublicKey());
            assertEquals("riot-device-cert", fixed.commonName());
            assertEquals(riot.certificateChain().get(0), fixed.certificateChain().get(0), "same alias certificate in both");
            // OpenSSL accepts the repaired chain (not as a TLS client chain: the C emulator's alias key usage is keyCertSign)
            OpenSsl.Result result = openSslVerify(fixed.certificateChain(), root, new String[0]);
            assertEquals(0, result.exitCode(), result.output());
            assertNotEquals(0, openSslVerify(riot.certificateChain(), riot.rootCertificate().orElseThrow(), new String[0]).exitCode());
            X509Certificate shipped = riot.rootCertificate().orElseThrow();
            assertThrows(Exception.class, () -> shipped.verify(shipped.getPublicKey()), "the shipped root key is off the curve");
        }
    }

    static void verifyEverywhere(List<X509Certificate> chain, X509Certificate root) throws Exception {
        pkix(chain, root, null);
        pkix(chain, root, BC);
        OpenSsl.Result result = openSslVerify(chain, root);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains(": OK"), result.output());
    }

    static void pkix(List<X509Certificate> chain, X509Certificate root, Provider provider) throws Exception {
        CertificateFactory factory = provider == null ? CertificateFactory.getInstance("X.509") : CertificateFactory.getInstance("X.509", provider);
        CertPath path = factory.generateCertPath(chain);
        CertPathValidator validator = provider == null ? CertPathValidator.getInstance("PKIX") : CertPathValidator.getInstance("PKIX", provider);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        validator.validate(path, parameters);
    }

    static OpenSsl.Result openSslVerify(List<X509Certificate> chain, X509Certificate root) throws Exception {
        return openSslVerify(chain, root, "-x509_strict", "-purpose", "sslclient");
    }

    static OpenSsl.Result openSslVerify(List<X509Certificate> chain, X509Certificate root, String... options) throws Exception {
        Path work = java.nio.file.Files.createTempDirectory("dice-verify");
        try {
            OpenSsl.write(work, "root.pem", Pem.certificate(root));
            StringBuilder untrusted = new StringBuilder();
            for (X509Certificate certificate : chain.subList(1, chain.size())) {
                untrusted.append(Pem.certificate(certificate));
            }
            OpenSsl.write(work, "untrusted.pem", untrusted.toString());
            OpenSsl.write(work, "leaf.pem", Pem.certificate(chain.get(0)));
            List<String> args = new java.util.ArrayList<>(List.of("verify"));
            args.addAll(List.of(options));
            args.addAll(List.of("-CAfile", "root.pem", "-untrusted", "untrusted.pem", "leaf.pem"));
            return OpenSsl.run(work, args.toArray(new String[0]));
        } finally {
            try (var files = java.nio.file.Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static byte[] ski(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue("2.5.29.14");
        assertTrue(value != null, "no SKI in " + certificate.getSubjectX500Principal());
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets()).getKeyIdentifier();
    }

    static byte[] aki(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue("2.5.29.35");
        assertTrue(value != null, "no AKI in " + certificate.getSubjectX500Principal());
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets());
        assertNull(aki.getAuthorityCertIssuer());
        return aki.getKeyIdentifierOctets();
    }
}
