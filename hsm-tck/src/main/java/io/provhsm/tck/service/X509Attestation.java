package io.provhsm.tck.service;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.time.Instant;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How the service checks an X.509 registration: the chain presented in TLS client authentication,
 * leaf first, against an individual enrollment (the leaf itself) or a group enrollment (a verified CA).
 */
public final class X509Attestation {
    private X509Attestation() {
    }

    /** The leaf's subject common name, or an error if it has none. */
    public static String commonName(X509Certificate certificate) throws AttestationException {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new AttestationException("certificate subject does not parse: " + e.getMessage());
        }
        throw new AttestationException("certificate subject '" + certificate.getSubjectX500Principal() + "' has no CN");
    }

    /**
     * Checks that each certificate is issued and signed by the next one (leaf first) and that all are valid at {@code now}.
     *
     * @throws AttestationException naming the position that breaks the chain
     */
    public static void checkChain(List<X509Certificate> chain, Instant now) throws AttestationException {
        if (chain == null || chain.isEmpty()) {
            throw new AttestationException("no client certificate presented");
        }
        for (int i = 0; i < chain.size(); i++) {
            checkValidity(chain.get(i), i, now);
            if (i + 1 < chain.size()) {
                checkIssuedBy(chain.get(i), chain.get(i + 1), "certificate #" + i, "certificate #" + (i + 1));
            }
        }
    }

    /** Individual enrollment: the presented leaf is the enrolled certificate and its CN is the registration id. */
    public static void checkIndividual(List<X509Certificate> presented, X509Certificate enrolledLeaf, String registrationId,
                                       Instant now) throws AttestationException {
        checkIsEnrolledLeaf(presented, enrolledLeaf, now);
        checkRegistrationId(presented.get(0), registrationId);
    }

    /** The chain part of {@link #checkIndividual}: a valid chain whose leaf is the enrolled certificate (CN not checked). */
    public static void checkIsEnrolledLeaf(List<X509Certificate> presented, X509Certificate enrolledLeaf, Instant now)
            throws AttestationException {
        checkChain(presented, now);
        if (!presented.get(0).equals(enrolledLeaf)) {
            throw new AttestationException("client certificate is not the enrolled certificate (subject "
                    + presented.get(0).getSubjectX500Principal() + ")");
        }
    }

    /**
     * Group enrollment: the presented chain leads from the leaf to the enrolled CA (the CA itself may be
     * presented as the last certificate or left out) and the leaf CN is the registration id.
     */
    public static void checkGroup(List<X509Certificate> presented, X509Certificate enrolledCa, String registrationId,
                                  Instant now) throws AttestationException {
        checkLeadsToCa(presented, enrolledCa, now);
        checkRegistrationId(presented.get(0), registrationId);
    }

    /** The chain part of {@link #checkGroup}: a valid chain from the leaf to the enrolled CA (CN not checked). */
    public static void checkLeadsToCa(List<X509Certificate> presented, X509Certificate enrolledCa, Instant now)
            throws AttestationException {
        checkChain(presented, now);
        X509Certificate last = presented.get(presented.size() - 1);
        if (!last.equals(enrolledCa)) {
            checkIssuedBy(last, enrolledCa, "certificate #" + (presented.size() - 1), "the enrolled CA");
        }
        checkValidity(enrolledCa, -1, now);
    }

    private static void checkRegistrationId(X509Certificate leaf, String registrationId) throws AttestationException {
        String cn = commonName(leaf);
        if (!cn.equals(registrationId)) {
            throw new AttestationException("leaf CN '" + cn + "' is not the registration id '" + registrationId + "'");
        }
    }

    /** {@code child} names {@code issuer} as its issuer and verifies with the issuer's public key. */
    static void checkIssuedBy(X509Certificate child, X509Certificate issuer, String childName, String issuerName)
            throws AttestationException {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new AttestationException(childName + " is issued by '" + child.getIssuerX500Principal() + "', not by "
                    + issuerName + " '" + issuer.getSubjectX500Principal() + "'");
        }
        try {
            child.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new AttestationException(childName + " signature does not verify with the key of " + issuerName
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void checkValidity(X509Certificate certificate, int position, Instant now) throws AttestationException {
        String name = position < 0 ? "the enrolled CA" : "certificate #" + position;
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new AttestationException(name + " expired at " + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new AttestationException(name + " is not valid before " + certificate.getNotBefore().toInstant());
        }
    }
}
