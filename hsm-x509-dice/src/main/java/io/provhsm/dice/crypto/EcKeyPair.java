package io.provhsm.dice.crypto;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * A P-256 key pair: private scalar and uncompressed public point. The scalar is a BigInteger, which cannot be
 * wiped; holders drop their reference when done. {@link #toString()} shows no key material.
 */
public final class EcKeyPair {
    private final BigInteger privateScalar;
    private final byte[] publicPoint;

    public EcKeyPair(BigInteger privateScalar, byte[] publicPoint) {
        this.privateScalar = Objects.requireNonNull(privateScalar, "privateScalar");
        this.publicPoint = publicPoint.clone();
    }

    /** d*G for a valid scalar. */
    public static EcKeyPair fromPrivateScalar(BigInteger d) {
        if (!P256.isPrivateScalar(d)) {
            throw new IllegalArgumentException("P-256 private scalar out of range");
        }
        return new EcKeyPair(d, P256.publicPoint(d));
    }

    public BigInteger privateScalar() {
        return privateScalar;
    }

    /** 04 || X || Y. */
    public byte[] publicPoint() {
        return publicPoint.clone();
    }

    public byte[] subjectPublicKeyInfo() {
        return P256.subjectPublicKeyInfo(publicPoint);
    }

    /** RFC 6979 ECDSA-SHA256 over {@code data}, DER. */
    public byte[] sign(byte[] data) {
        return P256.signDeterministic(privateScalar, P256.sha256(data));
    }

    public PrivateKey jcaPrivateKey() {
        return P256.jcaPrivateKey(privateScalar);
    }

    @Override
    public String toString() {
        return "EcKeyPair[P-256]";
    }
}
