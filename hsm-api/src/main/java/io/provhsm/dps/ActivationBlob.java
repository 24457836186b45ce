package io.provhsm.dps;

import io.provhsm.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The TPM activation blob the service sends as "authenticationKey": six sized fields, in order
 * (specs/dps-tpm-attestation.md). Each component holds the field's contents without its u16 size.
 *
 * <p>{@link #parse} is strict: a length that runs past the end, trailing bytes, or a size that
 * disagrees with the structure inside it is an {@link InvalidInputException} naming the field.
 */
public record ActivationBlob(byte[] credentialBlob, byte[] encryptedSecret, byte[] duplicate, byte[] inSymSeed,
                             byte[] identityPublic, byte[] encryptedData) {
    private static final int MAX_FIELD = 4096;
    private static final int TPM_ALG_KEYEDHASH = 0x0008;

    public ActivationBlob {
        credentialBlob = credentialBlob.clone();
        encryptedSecret = encryptedSecret.clone();
        duplicate = duplicate.clone();
        inSymSeed = inSymSeed.clone();
        identityPublic = identityPublic.clone();
        encryptedData = encryptedData.clone();
    }

    public static ActivationBlob parse(byte[] blob) {
        if (blob == null || blob.length == 0) {
            throw new InvalidInputException("activation blob is empty");
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        byte[] credential = sized(in, "credentialBlob (TPM2B_ID_OBJECT)");
        checkIntegrityPrefix(credential, "credentialBlob (TPM2B_ID_OBJECT)");
        byte[] secret = sized(in, "encryptedSecret (TPM2B_ENCRYPTED_SECRET)");
        byte[] duplicate = sized(in, "duplicate (TPM2B_PRIVATE)");
        checkIntegrityPrefix(duplicate, "duplicate (TPM2B_PRIVATE)");
        byte[] seed = sized(in, "inSymSeed (TPM2B_ENCRYPTED_SECRET)");
        byte[] publicArea = sized(in, "identityPublic (TPM2B_PUBLIC)");
        checkKeyedHashPublic(publicArea);
        byte[] data = sized(in, "encryptedData");
        if (in.hasRemaining()) {
            throw new InvalidInputException("activation blob has " + in.remaining() + " trailing bytes after encryptedData");
        }
        if (secret.length == 0 || seed.length == 0) {
            throw new InvalidInputException("activation blob " + (secret.length == 0 ? "encryptedSecret" : "inSymSeed") + " is empty");
        }
        return new ActivationBlob(credential, secret, duplicate, seed, publicArea, data);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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

    private static byte[] sized(ByteBuffer in, String field) {
        if (in.remaining() < 2) {
            throw new InvalidInputException("activation blob ends before the size of " + field
                    + " (offset " + in.position() + ", " + in.remaining() + " bytes left)");
        }
        int size = in.getShort() & 0xffff;
        if (size > MAX_FIELD) {
            throw new InvalidInputException(field + " declares " + size + " bytes; at most " + MAX_FIELD);
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
        if (hmacSize != 32) {
            throw new InvalidInputException(name + " integrity HMAC size is " + hmacSize + "; expected 32 (SHA-256)");
        }
        if (field.length <= 2 + hmacSize) {
            throw new InvalidInputException(name + " is " + field.length + " bytes: nothing follows its integrity HMAC");
        }
    }

    /** TPMT_PUBLIC of a KEYEDHASH key: type, nameAlg, attributes, authPolicy, scheme (+hash), unique. */
    private static void checkKeyedHashPublic(byte[] area) {
        String name = "identityPublic (TPM2B_PUBLIC)";
        ByteBuffer in = ByteBuffer.wrap(area);
        try {
            int type = in.getShort() & 0xffff;
            if (type != TPM_ALG_KEYEDHASH) {
                throw new InvalidInputException(name + " type is 0x" + Integer.toHexString(type) + "; expected KEYEDHASH (0x0008)");
            }
            in.getShort(); // nameAlg
            in.getInt(); // objectAttributes
            skipSized(in, name + " authPolicy");
            int scheme = in.getShort() & 0xffff;
            if (scheme != 0x0010) { // TPM_ALG_NULL has no details
                in.getShort(); // details.hashAlg (HMAC) or hashAlg + kdf (XOR)
                if (scheme == 0x000A) {
                    in.getShort();
                }
            }
            skipSized(in, name + " unique");
        } catch (java.nio.BufferUnderflowException e) {
            throw new InvalidInputException(name + " ends inside its TPMT_PUBLIC (" + area.length + " bytes)");
        }
        if (in.hasRemaining()) {
            throw new InvalidInputException(name + " size " + area.length + " disagrees with its TPMT_PUBLIC ("
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
