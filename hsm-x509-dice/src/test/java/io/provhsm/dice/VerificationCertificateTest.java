package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proof of possession for group CA verification: CN = the code, signed by the root CA key. */
class VerificationCertificateTest {
    private static final String CODE = "3FD3A4CB5C2F8A0C9A71A8E0D6C5F2B1A3B4C5D6E7F80912";

    @TempDir
    Path dir;

    @Test
    void verifiesAgainstTheRootCaWithJdkAndOpenSsl() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("data"))) {
            X509Certificate root = hsm.rootCertificate().orElseThrow();
            X509Certificate proof = hsm.verificationCertificate(CODE);
            assertEquals(new X500Principal("CN=" + CODE), proof.getSubjectX500Principal());
            assertEquals(root.getSubjectX500Principal(), proof.getIssuerX500Principal());
            proof.verify(root.getPublicKey());
            ChainVerificationTest.pkix(List.of(proof), root, null);
            Path work = dir.resolve("openssl");
            java.nio.file.Files.createDirectories(work);
            OpenSsl.write(work, "root.pem", Pem.certificate(root));
            OpenSsl.write(work, "proof.pem", Pem.certificate(proof));
            OpenSsl.Result result = OpenSsl.run(work, "verify", "-x509_strict", "-CAfile", "root.pem", "proof.pem");
            assertEquals(0, result.exitCode(), result.output());
        }
    }

    @Test
    void riotFixedRootSignsProofsThatVerify() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir, DiceSettings.PROFILE, "riot-fixed")) {
            X509Certificate proof = hsm.verificationCertificate(CODE);
            proof.verify(hsm.rootCertificate().orElseThrow().getPublicKey());
        }
    }

    @Test
    void badCodesAreRefused() {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("data"))) {
            assertTrue(assertThrows(InvalidInputException.class, () -> hsm.verificationCertificate(" ")).getMessage().contains("empty"));
            assertTrue(assertThrows(InvalidInputException.class, () -> hsm.verificationCertificate("A".repeat(65))).getMessage().contains("65"));
            assertThrows(InvalidInputException.class, () -> hsm.verificationCertificate("A\nB"));
        }
    }
}
