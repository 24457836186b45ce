package io.provhsm.dice.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.Signature;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.junit.jupiter.api.Test;

/** The directly built curve is BouncyCastle's named secp256r1, and its signatures verify with the JDK. */
class P256Test {
    @Test
    void domainIsTheNamedCurve() {
        X9ECParameters named = CustomNamedCurves.getByName("secp256r1");
        assertEquals(named.getN(), P256.N);
        assertEquals(named.getG().normalize(), P256.DOMAIN.getG().normalize());
        assertEquals(named.getCurve().getClass(), P256.DOMAIN.getCurve().getClass());
        assertTrue(P256.isOnCurve(P256.publicPoint(BigInteger.valueOf(7))));
    }

    @Test
    void deterministicSignatureVerifiesWithSunEcAndRejectsOtherData() throws Exception {
        EcKeyPair key = EcKeyPair.fromPrivateScalar(new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16));
        byte[] data = "sample".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature = key.sign(data);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(P256.jcaPublicKey(key.publicPoint()));
        verifier.update(data);
        assertTrue(verifier.verify(signature));
        assertFalse(P256.verify(key.publicPoint(), P256.sha256("other".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), signature));
        // RFC 6979 A.2.5, P-256 with SHA-256, message "sample": r and s
        assertEquals(P256.signatureDer(
                new BigInteger("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", 16),
                new BigInteger("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8", 16)).length, signature.length);
        assertEquals(java.util.HexFormat.of().formatHex(P256.signatureDer(
                new BigInteger("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716", 16),
                new BigInteger("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8", 16))),
                java.util.HexFormat.of().formatHex(signature));
    }
}
