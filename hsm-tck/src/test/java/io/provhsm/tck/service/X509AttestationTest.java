package io.provhsm.tck.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.tck.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class X509AttestationTest {
    private final TestPki.Issued root = TestPki.selfSignedCa("attestation root");
    private final TestPki.Issued intermediate = TestPki.issue("attestation intermediate", root, true);
    private final TestPki.Issued leaf = TestPki.issue("device-7", intermediate, false);

    private static String refusal(Executable check) {
        return assertThrows(AttestationException.class, check::run).getMessage();
    }

    private interface Executable {
        void run() throws Exception;
    }

    @Test
    void groupEnrollmentAcceptsTheChainWithOrWithoutTheCaAndNamesEachBrokenLink() throws Exception {
        Instant now = Instant.now();
        X509Attestation.checkGroup(List.of(leaf.certificate(), intermediate.certificate()), root.certificate(), "device-7", now);
        X509Attestation.checkGroup(List.of(leaf.certificate(), intermediate.certificate(), root.certificate()), root.certificate(), "device-7", now);
        assertTrue(refusal(() -> X509Attestation.checkGroup(List.of(leaf.certificate()), root.certificate(), "device-7", now))
                .contains("certificate #0 is issued by 'CN=attestation intermediate', not by the enrolled CA"));
        assertTrue(refusal(() -> X509Attestation.checkGroup(List.of(intermediate.certificate(), leaf.certificate()), root.certificate(), "device-7", now))
                .contains("certificate #0 is issued by 'CN=attestation root', not by certificate #1"));
        assertTrue(refusal(() -> X509Attestation.checkGroup(List.of(leaf.certificate(), intermediate.certificate()), root.certificate(), "device-8", now))
                .contains("leaf CN 'device-7' is not the registration id 'device-8'"));
        TestPki.Issued otherRoot = TestPki.selfSignedCa("attestation root");
        assertTrue(refusal(() -> X509Attestation.checkGroup(List.of(leaf.certificate(), intermediate.certificate()), otherRoot.certificate(), "device-7", now))
                .contains("signature does not verify with the key of the enrolled CA"));
    }

    @Test
    void individualEnrollmentAcceptsOnlyTheEnrolledLeafWhileItIsValid() throws Exception {
        List<X509Certificate> chain = List.of(leaf.certificate(), intermediate.certificate());
        X509Attestation.checkIndividual(chain, leaf.certificate(), "device-7", Instant.now());
        TestPki.Issued twin = TestPki.issue("device-7", intermediate, false);
        assertTrue(refusal(() -> X509Attestation.checkIndividual(List.of(twin.certificate()), leaf.certificate(), "device-7", Instant.now()))
                .contains("not the enrolled certificate"));
        assertTrue(refusal(() -> X509Attestation.checkIndividual(chain, leaf.certificate(), "device-7", Instant.now().plus(Duration.ofDays(3))))
                .contains("certificate #0 expired"));
        assertTrue(refusal(() -> X509Attestation.checkIndividual(List.of(), leaf.certificate(), "device-7", Instant.now()))
                .contains("no client certificate"));
    }
}
