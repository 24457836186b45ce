package io.provhsm.tck;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A marshalled {@code TPM2B_PUBLIC} of an RSA storage key (EK or SRK), parsed strictly: every field is
 * named when it is wrong (specs/dps-tpm-attestation.md, "Handles and objects").
 */
record TpmPublicArea(int type, int nameAlg, int attributes, byte[] authPolicy, int symmetricAlg, int symmetricBits,
                     int symmetricMode, int scheme, int keyBits, long exponent, byte[] modulus) {
    static final int TPM_ALG_RSA = 0x0001;
    static final int TPM_ALG_SHA256 = 0x000B;
    static final int TPM_ALG_AES = 0x0006;
    static final int TPM_ALG_CFB = 0x0043;
    static final int TPM_ALG_NULL = 0x0010;
    static final int EK_ATTRIBUTES = 0x000300B2;
    static final int SRK_ATTRIBUTES = 0x00030472;
    /** PolicySecret(TPM_RH_ENDORSEMENT), the EK template's authPolicy. */
    static final byte[] EK_POLICY = HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    /** Parses {@code bytes} or throws a {@link RuleViolation} naming {@code what} and the field. */
    static TpmPublicArea parse(byte[] bytes, String what) {
        if (bytes == null || bytes.length < 2) {
            throw new RuleViolation(what + " is not a TPM2B_PUBLIC: " + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int size = in.getShort() & 0xffff;
        if (size != bytes.length - 2) {
            throw new RuleViolation(what + " is not a TPM2B_PUBLIC: its size field says " + size + " bytes but "
                    + (bytes.length - 2) + " follow (first bytes " + HexFormat.of().formatHex(bytes, 0, Math.min(8, bytes.length)) + ")");
        }
        try {
            int type = in.getShort() & 0xffff;
            if (type != TPM_ALG_RSA) {
                throw new RuleViolation(what + " TPMT_PUBLIC type is 0x" + Integer.toHexString(type) + ", expected RSA (0x0001)");
            }
            int nameAlg = in.getShort() & 0xffff;
            int attributes = in.getInt();
            byte[] policy = sized(in, what + " authPolicy");
            int symmetric = in.getShort() & 0xffff;
            int symmetricBits = 0;
            int mode = 0;
            if (symmetric != TPM_ALG_NULL) {
                symmetricBits = in.getShort() & 0xffff;
                mode = in.getShort() & 0xffff;
            }
            int scheme = in.getShort() & 0xffff;
            if (scheme != TPM_ALG_NULL) {
                in.getShort();
            }
            int keyBits = in.getShort() & 0xffff;
            long exponent = in.getInt() & 0xffffffffL;
            byte[] modulus = sized(in, what + " unique (modulus)");
            if (in.hasRemaining()) {
                throw new RuleViolation(what + " has " + in.remaining() + " bytes after its TPMT_PUBLIC");
            }
            return new TpmPublicArea(type, nameAlg, attributes, policy, symmetric, symmetricBits, mode, scheme, keyBits, exponent, modulus);
        } catch (BufferUnderflowException e) {
            throw new RuleViolation(what + " ends inside its TPMT_PUBLIC (" + bytes.length + " bytes)");
        }
    }

    private static byte[] sized(ByteBuffer in, String field) {
        int size = in.getShort() & 0xffff;
        if (size > in.remaining()) {
            throw new RuleViolation(field + " declares " + size + " bytes but only " + in.remaining() + " remain");
        }
        byte[] value = new byte[size];
        in.get(value);
        return value;
    }

    /** Checks the parameters both EK and SRK templates share: RSA-2048, SHA-256, AES-128-CFB, scheme NULL, exponent 65537. */
    void requireStorageKeyParameters(String what) {
        check(nameAlg == TPM_ALG_SHA256, what + " nameAlg is 0x" + Integer.toHexString(nameAlg) + ", expected SHA256 (0x000b)");
        check(symmetricAlg == TPM_ALG_AES && symmetricBits == 128 && symmetricMode == TPM_ALG_CFB, what
                + " symmetric is alg 0x" + Integer.toHexString(symmetricAlg) + " " + symmetricBits + " bits mode 0x"
                + Integer.toHexString(symmetricMode) + ", expected AES-128-CFB");
        check(scheme == TPM_ALG_NULL, what + " scheme is 0x" + Integer.toHexString(scheme) + ", expected NULL (0x0010)");
        check(keyBits == 2048, what + " keyBits is " + keyBits + ", expected 2048");
        check(exponent == 0 || exponent == 65537, what + " exponent is " + exponent + ", expected 0 (= 65537)");
        check(modulus.length == 256, what + " unique (modulus) is " + modulus.length + " bytes, expected 256");
    }

    static void check(boolean condition, String reason) {
        if (!condition) {
            throw new RuleViolation(reason);
        }
    }
}
