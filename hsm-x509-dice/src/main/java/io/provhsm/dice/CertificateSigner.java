package io.provhsm.dice;

import io.provhsm.dice.crypto.Der;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.P256;

/** Assembles X.509 v3 certificates signed with ECDSA-SHA256 (RFC 6979). */
final class CertificateSigner {
    /** The validity of every DICE certificate: the Open Profile's fixed dates (no clock on the device). */
    static final byte[] VALIDITY = Der.sequence(Der.ascii(Der.UTC_TIME, "180322235959Z"),
            Der.ascii(Der.GENERALIZED_TIME, "99991231235959Z"));

    private CertificateSigner() {
    }

    /** TBSCertificate with the fixed validity and the given extensions (each a DER Extension). */
    static byte[] tbs(byte[] serialMagnitude, byte[] issuerName, byte[] subjectName, byte[] subjectPublicKeyInfo,
                      byte[]... extensions) {
        return Der.sequence(
                Der.explicit(0, Der.smallInteger(2)),
                Der.unsignedInteger(serialMagnitude),
                P256.ECDSA_WITH_SHA256,
                issuerName,
                VALIDITY,
                subjectName,
                subjectPublicKeyInfo,
                Der.explicit(3, Der.sequence(extensions)));
    }

    /** Certificate = SEQUENCE { tbs, ecdsa-with-SHA256, BIT STRING signature }. */
    static byte[] sign(byte[] tbs, EcKeyPair issuerKey) {
        return Der.sequence(tbs, P256.ECDSA_WITH_SHA256, Der.bitString(issuerKey.sign(tbs)));
    }
}
