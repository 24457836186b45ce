package io.provhsm.dice;

import io.provhsm.dice.crypto.Der;

/** DER of the X.509 names and extensions the DICE certificates use. */
final class X509Extensions {
    static final byte[] OID_AUTHORITY_KEY_ID = {0x55, 0x1d, 0x23};
    static final byte[] OID_SUBJECT_KEY_ID = {0x55, 0x1d, 0x0e};
    static final byte[] OID_KEY_USAGE = {0x55, 0x1d, 0x0f};
    static final byte[] OID_BASIC_CONSTRAINTS = {0x55, 0x1d, 0x13};
    static final byte[] OID_EXTENDED_KEY_USAGE = {0x55, 0x1d, 0x25};
    static final byte[] OID_CLIENT_AUTH = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
    static final byte[] OID_SERIAL_NUMBER = {0x55, 0x04, 0x05};
    static final byte[] OID_COMMON_NAME = {0x55, 0x04, 0x03};

    /** keyUsage BIT STRING contents: unused-bit count, then the bits. */
    static final byte[] KEY_CERT_SIGN = {0x02, 0x04};
    static final byte[] KEY_CERT_SIGN_AND_CRL_SIGN = {0x01, 0x06};
    static final byte[] DIGITAL_SIGNATURE = {0x07, (byte) 0x80};

    private X509Extensions() {
    }

    static byte[] extension(byte[] oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** AuthorityKeyIdentifier with keyIdentifier [0] only. */
    static byte[] authorityKeyId(byte[] keyId) {
        return extension(OID_AUTHORITY_KEY_ID, false, Der.sequence(Der.tlv(0x80, keyId)));
    }

    static byte[] subjectKeyId(byte[] keyId) {
        return extension(OID_SUBJECT_KEY_ID, false, Der.octetString(keyId));
    }

    static byte[] keyUsage(byte[] bits) {
        return extension(OID_KEY_USAGE, true, Der.tlv(Der.BIT_STRING, bits));
    }

    static byte[] basicConstraintsCa() {
        return extension(OID_BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true)));
    }

    static byte[] basicConstraintsEndEntity() {
        return extension(OID_BASIC_CONSTRAINTS, false, Der.sequence());
    }

    static byte[] extendedKeyUsageClientAuth() {
        return extension(OID_EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(OID_CLIENT_AUTH)));
    }

    /** Name {@code SERIALNUMBER=<id as lowercase hex>} (PrintableString), as the Open Profile for DICE names keys. */
    static byte[] serialNumberName(byte[] id) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(OID_SERIAL_NUMBER),
                Der.printable(java.util.HexFormat.of().formatHex(id)))));
    }

    /** Name {@code CN=<name>} (UTF8String). */
    static byte[] commonNameName(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(OID_COMMON_NAME), Der.utf8(commonName))));
    }
}
