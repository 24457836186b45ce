package io.provhsm.dice;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.X509Hsm;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.P256;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An X.509 session of the {@code dice} provider: the chain, alias key and root CA of one identity, computed when the
 * session was opened. Thread-safe (immutable apart from the closed flag).
 */
public final class DiceX509Hsm implements X509Hsm {
    /** X.520 upper bound of a common name. */
    private static final int MAX_COMMON_NAME = 64;

    private final String profile;
    private final String commonName;
    private final List<X509Certificate> chain;
    private final X509Certificate rootCertificate;
    private final X509Certificate diceLayerCertificate;
    private final EcKeyPair aliasKey;
    private final EcKeyPair rootKey;
    private final byte[] rootSubjectName;
    private final byte[] rootKeyId;
    private final SecureRandom random;
    private volatile boolean closed;

    DiceX509Hsm(String profile, String commonName, List<byte[]> chainDer, byte[] rootDer, byte[] diceLayerDer,
                EcKeyPair aliasKey, EcKeyPair rootKey, byte[] rootSubjectName, byte[] rootKeyId, SecureRandom random) {
        this.profile = profile;
        this.commonName = commonName;
        List<X509Certificate> parsed = new ArrayList<>();
        for (byte[] der : chainDer) {
            parsed.add(parse(der));
        }
        this.chain = List.copyOf(parsed);
        this.rootCertificate = parse(rootDer);
        this.diceLayerCertificate = diceLayerDer == null ? null : parse(diceLayerDer);
        this.aliasKey = aliasKey;
        this.rootKey = rootKey;
        this.rootSubjectName = rootSubjectName;
        this.rootKeyId = rootKeyId;
        this.random = random;
    }

    /** The profile this identity comes from: open-dice, riot or riot-fixed. */
    public String profile() {
        checkOpen();
        return profile;
    }

    @Override
    public List<X509Certificate> certificateChain() {
        checkOpen();
        return chain;
    }

    /** A software key (the emulator has no hardware): exportable as PKCS#8. */
    @Override
    public PrivateKey aliasKey() {
        checkOpen();
        return aliasKey.jcaPrivateKey();
    }

    @Override
    public String commonName() {
        checkOpen();
        return commonName;
    }

    @Override
    public Optional<X509Certificate> rootCertificate() {
        checkOpen();
        return Optional.of(rootCertificate);
    }

    /**
     * The Open Profile for DICE layer-0 certificate of the alias key (open-dice profile only). Not part of the TLS chain:
     * its OpenDiceInput extension is critical, which generic verifiers reject.
     */
    public Optional<X509Certificate> diceLayerCertificate() {
        checkOpen();
        return Optional.ofNullable(diceLayerCertificate);
    }

    /**
     * The proof-of-possession certificate the provisioning service asks for when a group CA is verified: CN = the
     * verification code, signed by the root CA key, for a throwaway key pair.
     *
     * @throws InvalidInputException if the code is empty, longer than 64 characters or has control characters
     */
    public X509Certificate verificationCertificate(String code) {
        checkOpen();
        if (code == null || code.isBlank()) {
            throw new InvalidInputException("verification code is empty");
        }
        if (code.length() > MAX_COMMON_NAME) {
            throw new InvalidInputException("verification code is " + code.length() + " characters; a common name holds at most " + MAX_COMMON_NAME);
        }
        if (code.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("verification code contains control characters");
        }
        BigInteger d;
        do {
            d = new BigInteger(256, random);
        } while (!P256.isPrivateScalar(d));
        EcKeyPair subject = EcKeyPair.fromPrivateScalar(d);
        byte[] subjectId = OpenDice.id(subject.publicPoint());
        List<byte[]> extensions = new ArrayList<>();
        if (rootKeyId != null) {
            extensions.add(X509Extensions.authorityKeyId(rootKeyId));
        }
        extensions.add(X509Extensions.subjectKeyId(subjectId));
        extensions.add(X509Extensions.keyUsage(X509Extensions.DIGITAL_SIGNATURE));
        extensions.add(X509Extensions.basicConstraintsEndEntity());
        byte[] tbs = CertificateSigner.tbs(subjectId, rootSubjectName, X509Extensions.commonNameName(code),
                subject.subjectPublicKeyInfo(), extensions.toArray(new byte[0][]));
        return parse(CertificateSigner.sign(tbs, rootKey));
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "DiceX509Hsm[" + profile + ", " + commonName + (closed ? ", closed" : "") + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this dice session is closed");
        }
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new HsmException("the JDK cannot parse a certificate this provider built: " + e.getMessage(), e);
        }
    }

}
