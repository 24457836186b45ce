package io.provhsm.tck.service;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Proof of possession of a CA's private key, as the service asks before a CA serves a group enrollment:
 * the service issues a random verification code; the owner answers with a certificate whose subject CN is
 * that code, signed with the CA's key. Thread-safe.
 */
public final class CaVerification {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate ca;
    private final String verificationCode;
    private volatile boolean verified;

    private CaVerification(X509Certificate ca, String verificationCode) {
        this.ca = ca;
        this.verificationCode = verificationCode;
    }

    /** Starts the proof for {@code ca} with a fresh random code (48 uppercase hex characters, as the service shows it). */
    public static CaVerification start(X509Certificate ca) {
        byte[] code = new byte[24];
        RANDOM.nextBytes(code);
        return new CaVerification(ca, HexFormat.of().withUpperCase().formatHex(code));
    }

    /**
     * A CA whose possession the operator vouches for instead of proving it (offline rehearsals with
     * {@code provhsm dps-emulator}); the service's own flow is {@link #start} and {@link #verify}.
     */
    public static CaVerification vouchedFor(X509Certificate ca) {
        CaVerification verification = start(ca);
        verification.verified = true;
        return verification;
    }

    public X509Certificate ca() {
        return ca;
    }

    public String verificationCode() {
        return verificationCode;
    }

    public boolean verified() {
        return verified;
    }

    /**
     * Accepts the verification certificate if its CN is the code and the CA's key signed it.
     *
     * @throws AttestationException naming the check that failed; the CA stays unverified
     */
    public void verify(X509Certificate verificationCertificate, Instant now) throws AttestationException {
        String cn = X509Attestation.commonName(verificationCertificate);
        if (!cn.equals(verificationCode)) {
            throw new AttestationException("verification certificate CN '" + cn + "' is not the verification code");
        }
        X509Attestation.checkChain(java.util.List.of(verificationCertificate), now);
        X509Attestation.checkIssuedBy(verificationCertificate, ca, "the verification certificate", "the CA");
        verified = true;
    }

    @Override
    public String toString() {
        return "CaVerification[" + ca.getSubjectX500Principal() + (verified ? ", verified]" : ", not verified]");
    }
}
