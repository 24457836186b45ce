package io.provhsm.dice.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.util.BigIntegers;

/**
 * NIST P-256 on BouncyCastle's low-level API: the custom curve implementation and a fixed-point comb for
 * multiples of G (several times faster than the JCA providers, and no provider lookup on first use).
 */
public final class P256 {
    /**
     * BouncyCastle's custom P-256 implementation (what {@code CustomNamedCurves.getByName("secp256r1")} returns; the
     * generic ECNamedCurveTable curve is about 6x slower), built directly: initialising CustomNamedCurves sets up some
     * thirty curves, which costs a fresh JVM tens of milliseconds before the first identity.
     */
    private static final SecP256R1Curve CURVE = new SecP256R1Curve();
    public static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE,
            CURVE.createPoint(
                    new BigInteger("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", 16),
                    new BigInteger("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5", 16)),
            CURVE.getOrder(), CURVE.getCofactor());
    public static final BigInteger N = CURVE.getOrder();
    private static final FixedPointCombMultiplier BASE_MULTIPLIER = new FixedPointCombMultiplier();

    /** DER of the id-ecPublicKey / prime256v1 AlgorithmIdentifier. */
    public static final byte[] ALGORITHM_IDENTIFIER = Der.sequence(
            Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01}),
            Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07}));
    /** DER of the ecdsa-with-SHA256 AlgorithmIdentifier (no parameters). */
    public static final byte[] ECDSA_WITH_SHA256 = Der.sequence(
            Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02}));

    private static volatile ECParameterSpec jcaSpec;

    private P256() {
    }

    /** Whether {@code d} is a valid private scalar: 0 < d < n. */
    public static boolean isPrivateScalar(BigInteger d) {
        return d.signum() > 0 && d.compareTo(N) < 0;
    }

    /** The uncompressed point (04 || X || Y, 65 bytes) of d*G. */
    public static byte[] publicPoint(BigInteger d) {
        return BASE_MULTIPLIER.multiply(DOMAIN.getG(), d).normalize().getEncoded(false);
    }

    /** SubjectPublicKeyInfo DER of an uncompressed point. */
    public static byte[] subjectPublicKeyInfo(byte[] publicPoint) {
        return Der.sequence(ALGORITHM_IDENTIFIER, Der.bitString(publicPoint));
    }

    /** ECDSA over a SHA-256 hash with a deterministic nonce (RFC 6979, HMAC-SHA256). */
    public static byte[] signDeterministic(BigInteger d, byte[] hash) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
        BigInteger[] rs = signer.generateSignature(hash);
        return signatureDer(rs[0], rs[1]);
    }

    /**
     * ECDSA with a caller-chosen nonce: r = (kG).x mod n, s = k^-1 (e + r d) mod n. Returns null when r or s is
     * zero (the caller draws another k).
     */
    public static BigInteger[] signWithNonce(BigInteger d, byte[] hash, BigInteger k) {
        BigInteger r = BASE_MULTIPLIER.multiply(DOMAIN.getG(), k).normalize().getAffineXCoord().toBigInteger().mod(N);
        if (r.signum() == 0) {
            return null;
        }
        BigInteger e = new BigInteger(1, hash);
        BigInteger s = BigIntegers.modOddInverse(N, k).multiply(e.add(r.multiply(d))).mod(N);
        return s.signum() == 0 ? null : new BigInteger[] {r, s};
    }

    /** ECDSA-Sig-Value DER: SEQUENCE { INTEGER r, INTEGER s }. */
    public static byte[] signatureDer(BigInteger r, BigInteger s) {
        return Der.sequence(Der.integer(r), Der.integer(s));
    }

    /** Verifies a DER ECDSA signature over a SHA-256 hash; false for any malformed input or off-curve key. */
    public static boolean verify(byte[] publicPoint, byte[] hash, byte[] signatureDer) {
        try {
            ECPoint q = DOMAIN.getCurve().decodePoint(publicPoint);
            org.bouncycastle.asn1.ASN1Sequence seq = org.bouncycastle.asn1.ASN1Sequence.getInstance(signatureDer);
            BigInteger r = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            BigInteger s = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
            return verifier.verifySignature(hash, r, s);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the uncompressed point lies on the curve. */
    public static boolean isOnCurve(byte[] publicPoint) {
        try {
            return ECAlgorithms.importPoint(DOMAIN.getCurve(), DOMAIN.getCurve().decodePoint(publicPoint)).isValid();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static byte[] sha256(byte[]... parts) {
        SHA256Digest digest = new SHA256Digest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** 32-byte big-endian encoding of a scalar (leading zeros kept). */
    public static byte[] scalarBytes(BigInteger d) {
        return BigIntegers.asUnsignedByteArray(32, d);
    }

    /** The scalar as a JCA private key (SunEC), for TLS key managers and JCA callers. */
    public static PrivateKey jcaPrivateKey(BigInteger d) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, jcaSpec()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot represent a P-256 private key", e);
        }
    }

    /** The uncompressed point as a JCA public key. */
    public static PublicKey jcaPublicKey(byte[] publicPoint) {
        try {
            ECPoint q = DOMAIN.getCurve().decodePoint(publicPoint).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, jcaSpec()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot represent a P-256 public key", e);
        }
    }

    /** The JDK's own named-curve spec, so that JSSE recognises the key's curve. */
    private static ECParameterSpec jcaSpec() throws GeneralSecurityException {
        ECParameterSpec spec = jcaSpec;
        if (spec == null) {
            java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
            parameters.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
            spec = parameters.getParameterSpec(ECParameterSpec.class);
            jcaSpec = spec;
        }
        return spec;
    }
}
