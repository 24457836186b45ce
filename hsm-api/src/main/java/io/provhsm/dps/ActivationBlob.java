package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The TPM activation blob the service sends as "authenticationKey": six sized fields, in order
 * (specs/dps-tpm-attestation.md). Each component holds the field's contents without its u16 size.
 *
 * <p>Strict both ways: {@link #parse} rejects a length that runs past the end, trailing bytes, or a size
 * that disagrees with the structure inside it, and the constructor checks the same rules, so every
 * instance encodes to a blob that parses back to an equal one. Errors are {@link InvalidInputException}s
 * naming the field. Accessors return copies; instances are immutable.
 */
public record ActivationBlob(byte[] credentialBlob, byte[] encryptedSecret, byte[] duplicate, byte[] inSymSeed,
                             byte[] identityPublic, byte[] encryptedData) {
    /** Largest field accepted (bytes); real fields are at most ~1.3 KB (an RSA-4096 secret is 512). */
    public static final int MAX_FIELD = 4096;
    private static final int TPM_ALG_KEYEDHASH = 0x0008;
    private static final int TPM_ALG_HMAC = 0x0005;
    private static final int TPM_ALG_XOR = 0x000A;
    private static final int TPM_ALG_NULL = 0x0010;
    private static final int SHA256_SIZE = 32;

    private static final String CREDENTIAL_BLOB = "credentialBlob (TPM2B_ID_OBJECT)";
    private static final String ENCRYPTED_SECRET = "encryptedSecret (TPM2B_ENCRYPTED_SECRET)";
    private static final String DUPLICATE = "duplicate (TPM2B_PRIVATE)";
    private static final String IN_SYM_SEED = "inSymSeed (TPM2B_ENCRYPTED_SECRET)";
    private static final String IDENTITY_PUBLIC = "identityPublic (TPM2B_PUBLIC)";
    private static final String ENCRYPTED_DATA = "encryptedData";

    /**
     * Checks every field as {@link #parse} does and keeps copies.
     *
     * @throws InvalidInputException naming the field that is missing, too long or malformed
     */
    public ActivationBlob {
        credentialBlob = checked(credentialBlob, CREDENTIAL_BLOB);
        encryptedSecret = checked(encryptedSecret, ENCRYPTED_SECRET);
        duplicate = checked(duplicate, DUPLICATE);
        inSymSeed = checked(inSymSeed, IN_SYM_SEED);
        identityPublic = checked(identityPublic, IDENTITY_PUBLIC);
        encryptedData = checked(encryptedData, ENCRYPTED_DATA);
        checkIntegrityPrefix(credentialBlob, CREDENTIAL_BLOB);
        if (encryptedSecret.length == 0) {
            throw new InvalidInputException(ENCRYPTED_SECRET + " is empty");
        }
        checkIntegrityPrefix(duplicate, DUPLICATE);
        if (inSymSeed.length == 0) {
            throw new InvalidInputException(IN_SYM_SEED + " is empty");
        }
        checkKeyedHashPublic(identityPublic);
    }

    /**
     * Parses the blob as the service sends it (base64-decoded).
     *
     * @throws InvalidInputException naming the field and offset where the blob is malformed; never anything else
     */
    public static ActivationBlob parse(byte[] blob) {
        if (blob == null || blob.length == 0) {
            throw new InvalidInputException("activation blob is empty");
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        byte[] credential = sized(in, CREDENTIAL_BLOB);
        byte[] secret = sized(in, ENCRYPTED_SECRET);
        byte[] duplicate = sized(in, DUPLICATE);
        byte[] seed = sized(in, IN_SYM_SEED);
        byte[] publicArea = sized(in, IDENTITY_PUBLIC);
        byte[] data = sized(in, ENCRYPTED_DATA);
        if (in.hasRemaining()) {
            throw new InvalidInputException("activation blob has " + in.remaining()
                    + " trailing bytes after encryptedData (offset " + in.position() + ")");
        }
        return new ActivationBlob(credential, secret, duplicate, seed, publicArea, data);
    }

    /** The blob as the service sends it: each field as u16 size || contents. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(12 + credentialBlob.length + encryptedSecret.length
                + duplicate.length + inSymSeed.length + identityPublic.length + encryptedData.length);
        for (byte[] field : new byte[][] {credentialBlob, encryptedSecret, duplicate, inSymSeed, identityPublic, encryptedData}) {
            out.write(field.length >>> 8);
            out.write(field.length & 0xff);
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    /** The identity key's public area as a marshalled {@code TPM2B_PUBLIC} (with its size). */
    public byte[] identityPublicTpm2b() {
        return ByteBuffer.allocate(2 + identityPublic.length).putShort((short) identityPublic.length).put(identityPublic).array();
    }

    /** {@code TPM2B_ID_OBJECT} contents: integrity HMAC and encrypted identity (a copy). */
    @Override
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    /** {@code TPM2B_ENCRYPTED_SECRET} contents: the seed encrypted to the EK (a copy). */
    @Override
    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    /** {@code TPM2B_PRIVATE} contents: the duplicated identity key (a copy). */
    @Override
    public byte[] duplicate() {
        return duplicate.clone();
    }

    /** {@code TPM2B_ENCRYPTED_SECRET} contents: the seed encrypted to the SRK (a copy). */
    @Override
    public byte[] inSymSeed() {
        return inSymSeed.clone();
    }

    /** {@code TPMT_PUBLIC} of the identity key, without its size (a copy). */
    @Override
    public byte[] identityPublic() {
        return identityPublic.clone();
    }

    /** The trailing encrypted data (may be empty; a copy). */
    @Override
    public byte[] encryptedData() {
        return encryptedData.clone();
    }

    private static byte[] checked(byte[] field, String name) {
        if (field == null) {
            throw new InvalidInputException(name + " is missing (null)");
        }
        if (field.length > MAX_FIELD) {
            throw new InvalidInputException(name + " is " + field.length + " bytes; at most " + MAX_FIELD);
        }
        return field.clone();
    }

    private static byte[] sized(ByteBuffer in, String field) {
        if (in.remaining() < 2) {
            throw new InvalidInputException("activation blob ends before the size of " + field
                    + " (offset " + in.position() + ", " + in.remaining() + " bytes left)");
        }
        int size = in.getShort() & 0xffff;
        if (size > MAX_FIELD) {
            throw new InvalidInputException(field + " declares " + size + " bytes; at most " + MAX_FIELD
                    + " (offset " + (in.position() - 2) + ")");
        }
        if (size > in.remaining()) {
            throw new InvalidInputException(field + " declares " + size + " bytes but only " + in.remaining()
                    + " remain (offset " + (in.position() - 2) + ")");
        }
        byte[] value = new byte[size];
        in.get(value);
        return value;
    }

    /** TPM2B_ID_OBJECT and TPM2B_PRIVATE both start with a TPM2B_DIGEST integrity HMAC (SHA-256: 32 bytes). */
    private static void checkIntegrityPrefix(byte[] field, String name) {
        if (field.length < 2) {
            throw new InvalidInputException(name + " is " + field.length + " bytes, too short for its integrity HMAC size");
        }
        int hmacSize = ((field[0] & 0xff) << 8) | (field[1] & 0xff);
        if (hmacSize != SHA256_SIZE) {
            throw new InvalidInputException(name + " integrity HMAC size is " + hmacSize + "; expected 32 (SHA-256)");
        }
        if (field.length <= 2 + hmacSize) {
            throw new InvalidInputException(name + " is " + field.length + " bytes: nothing follows its integrity HMAC");
        }
    }

    /** TPMT_PUBLIC of a KEYEDHASH key: type, nameAlg, attributes, authPolicy, scheme (+ details), unique. */
    private static void checkKeyedHashPublic(byte[] area) {
        ByteBuffer in = ByteBuffer.wrap(area);
        try {
            int type = in.getShort() & 0xffff;
            if (type != TPM_ALG_KEYEDHASH) {
                throw new InvalidInputException(IDENTITY_PUBLIC + " type is 0x" + Integer.toHexString(type)
                        + "; expected KEYEDHASH (0x0008)");
            }
            in.getShort(); // nameAlg
            in.getInt(); // objectAttributes
            skipSized(in, IDENTITY_PUBLIC + " authPolicy");
            int scheme = in.getShort() & 0xffff;
            if (scheme == TPM_ALG_HMAC) {
                in.getShort(); // hashAlg
            } else if (scheme == TPM_ALG_XOR) {
                in.getShort(); // hashAlg
                in.getShort(); // kdf
            } else if (scheme != TPM_ALG_NULL) {
                throw new InvalidInputException(IDENTITY_PUBLIC + " keyed-hash scheme is 0x" + Integer.toHexString(scheme)
                        + "; expected HMAC (0x0005), XOR (0x000a) or NULL (0x0010)");
            }
            skipSized(in, IDENTITY_PUBLIC + " unique");
        } catch (BufferUnderflowException e) {
            throw new InvalidInputException(IDENTITY_PUBLIC + " ends inside its TPMT_PUBLIC (" + area.length + " bytes)");
        }
        if (in.hasRemaining()) {
            throw new InvalidInputException(IDENTITY_PUBLIC + " size " + area.length + " disagrees with its TPMT_PUBLIC ("
                    + in.position() + " bytes)");
        }
    }

    private static void skipSized(ByteBuffer in, String field) {
        int size = in.getShort() & 0xffff;
        if (size > in.remaining()) {
            throw new InvalidInputException(field + " declares " + size + " bytes but only " + in.remaining() + " remain");
        }
        in.position(in.position() + size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationBlob other && Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "ActivationBlob[credentialBlob=" + credentialBlob.length + " bytes, encryptedSecret=" + encryptedSecret.length
                + ", duplicate=" + duplicate.length + ", inSymSeed=" + inSymSeed.length + ", identityPublic="
                + identityPublic.length + ", encryptedData=" + encryptedData.length + "]";
    }
}
