package io.provhsm.tck.service;

import io.provhsm.InvalidInputException;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.dps.HmacSha256;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The provisioning service's side of TPM attestation, in software (plain JCE): seals an HMAC identity key to
 * one TPM's EK and SRK as the activation ("authenticationKey") blob. TPM2_MakeCredential to the EK delivers a
 * fresh AES inner wrap key; TPM2_Duplicate-style wrapping to the SRK delivers the HMAC key
 * (specs/dps-tpm-attestation.md, "Service side").
 *
 * <p>Instances are immutable and thread-safe. Key material passed in is copied and the copies are wiped.
 */
public final class ActivationBlobBuilder {
    /**
     * The largest HMAC key a TPM imports as an HMAC-SHA256 signing key: the SHA-256 block size (a longer one gets
     * TPM_RC_KEY_SIZE from TPM2_Import).
     */
    public static final int MAX_HMAC_KEY = 64;

    private static final int TPM_ALG_RSA = 0x0001;
    private static final int TPM_ALG_KEYEDHASH = 0x0008;
    private static final int TPM_ALG_SHA256 = 0x000B;
    private static final int TPM_ALG_HMAC = 0x0005;
    private static final int TPM_ALG_NULL = 0x0010;
    private static final int USER_WITH_AUTH = 0x00000040;
    private static final int NO_DA = 0x00000400;
    private static final int SIGN = 0x00040000;
    private static final int SHA256_SIZE = 32;
    private static final int AES_128_BYTES = 16;

    private final RSAPublicKey endorsementKey;
    private final RSAPublicKey storageRootKey;
    private final byte[] srkName;
    private final SecureRandom random;
    private final boolean noDictionaryAttackProtection;

    private ActivationBlobBuilder(RSAPublicKey ek, RSAPublicKey srk, byte[] srkName, SecureRandom random, boolean noDA) {
        this.endorsementKey = ek;
        this.storageRootKey = srk;
        this.srkName = srkName;
        this.random = random;
        this.noDictionaryAttackProtection = noDA;
    }

    /**
     * A builder for the TPM whose endorsement and storage root keys are given as the device reports them
     * (marshalled {@code TPM2B_PUBLIC}, RSA).
     *
     * @throws InvalidInputException naming the key and field if either is not an RSA TPM2B_PUBLIC
     */
    public static ActivationBlobBuilder forTpm(byte[] endorsementKeyTpm2b, byte[] storageRootKeyTpm2b) {
        RsaPublicArea ek = RsaPublicArea.parse(endorsementKeyTpm2b, "endorsement key");
        RsaPublicArea srk = RsaPublicArea.parse(storageRootKeyTpm2b, "storage root key");
        return new ActivationBlobBuilder(ek.key, srk.key, name(srk.tpmtPublic), new SecureRandom(), true);
    }

    /** The same builder drawing its seeds and keys from {@code random} (a seeded one gives repeatable blobs). */
    public ActivationBlobBuilder withRandom(SecureRandom random) {
        return new ActivationBlobBuilder(endorsementKey, storageRootKey, srkName, Objects.requireNonNull(random, "random"),
                noDictionaryAttackProtection);
    }

    /** Whether the identity key is exempt from dictionary-attack protection (noDA; the reference sets it). */
    public ActivationBlobBuilder withNoDA(boolean noDA) {
        return new ActivationBlobBuilder(endorsementKey, storageRootKey, srkName, random, noDA);
    }

    /** The marshalled activation blob delivering {@code hmacKey} (1..64 bytes) to this TPM. */
    public byte[] build(byte[] hmacKey) {
        return buildParsed(hmacKey).encode();
    }

    /** {@link #build} as its six fields. */
    public ActivationBlob buildParsed(byte[] hmacKey) {
        if (hmacKey == null || hmacKey.length == 0 || hmacKey.length > MAX_HMAC_KEY) {
            throw new InvalidInputException("HMAC key must be 1.." + MAX_HMAC_KEY + " bytes, got "
                    + (hmacKey == null ? "null" : hmacKey.length));
        }
        byte[] key = hmacKey.clone();
        byte[] innerWrapKey = randomBytes(AES_128_BYTES);
        byte[] obfuscation = randomBytes(SHA256_SIZE);
        byte[] credentialSeed = randomBytes(SHA256_SIZE);
        byte[] duplicationSeed = randomBytes(SHA256_SIZE);
        byte[] sensitive = null;
        try {
            // 1-2: MakeCredential(EK, credential = inner wrap key, object name = Name(SRK))
            byte[] credentialBlob = makeCredential(credentialSeed, innerWrapKey);
            byte[] encryptedSecret = oaep(endorsementKey, credentialSeed, "IDENTITY");

            // 5: the identity key's public area
            byte[] identityPublic = identityPublic(sha256(obfuscation, key));
            byte[] identityName = name(identityPublic);

            // 3-4: duplicate = outer(SRK seed) over inner(AES-CFB with the wrap key) over TPM2B_SENSITIVE
            sensitive = sensitive(obfuscation, key);
            byte[] innerPlain = concat(u16(SHA256_SIZE), sha256(sensitive, identityName), sensitive);
            byte[] encSensitive = cfb(innerWrapKey, innerPlain);
            Arrays.fill(innerPlain, (byte) 0);
            byte[] outerKey = kdfa(duplicationSeed, "STORAGE", identityName, new byte[0], 128);
            byte[] dupSensitive = cfb(outerKey, encSensitive);
            Arrays.fill(outerKey, (byte) 0);
            byte[] outerHmacKey = kdfa(duplicationSeed, "INTEGRITY", new byte[0], new byte[0], 256);
            byte[] outerHmac = hmac(outerHmacKey, dupSensitive, identityName);
            Arrays.fill(outerHmacKey, (byte) 0);
            byte[] duplicate = concat(u16(outerHmac.length), outerHmac, dupSensitive);
            byte[] inSymSeed = oaep(storageRootKey, duplicationSeed, "DUPLICATE");

            return new ActivationBlob(credentialBlob, encryptedSecret, duplicate, inSymSeed, identityPublic, new byte[0]);
        } finally {
            for (byte[] secret : new byte[][] {key, innerWrapKey, obfuscation, credentialSeed, duplicationSeed, sensitive}) {
                if (secret != null) {
                    Arrays.fill(secret, (byte) 0);
                }
            }
        }
    }

    /** TPM2B_ID_OBJECT contents: integrityHMAC (TPM2B_DIGEST) || encIdentity. */
    private byte[] makeCredential(byte[] seed, byte[] credential) {
        byte[] symKey = kdfa(seed, "STORAGE", srkName, new byte[0], 128);
        byte[] plain = concat(u16(credential.length), credential);
        byte[] encIdentity = cfb(symKey, plain);
        Arrays.fill(plain, (byte) 0);
        Arrays.fill(symKey, (byte) 0);
        byte[] hmacKey = kdfa(seed, "INTEGRITY", new byte[0], new byte[0], 256);
        byte[] integrity = hmac(hmacKey, encIdentity, srkName);
        Arrays.fill(hmacKey, (byte) 0);
        return concat(u16(integrity.length), integrity, encIdentity);
    }

    /** TPMT_PUBLIC: KEYEDHASH, SHA-256, userWithAuth|sign(|noDA), no policy, HMAC(SHA-256), unique. */
    private byte[] identityPublic(byte[] unique) {
        int attributes = USER_WITH_AUTH | SIGN | (noDictionaryAttackProtection ? NO_DA : 0);
        return ByteBuffer.allocate(2 + 2 + 4 + 2 + 2 + 2 + 2 + unique.length)
                .putShort((short) TPM_ALG_KEYEDHASH).putShort((short) TPM_ALG_SHA256).putInt(attributes)
                .putShort((short) 0)
                .putShort((short) TPM_ALG_HMAC).putShort((short) TPM_ALG_SHA256)
                .putShort((short) unique.length).put(unique)
                .array();
    }

    /** TPM2B_SENSITIVE: KEYEDHASH, empty authValue, seedValue = obfuscation, sensitive = the HMAC key. */
    private static byte[] sensitive(byte[] obfuscation, byte[] key) {
        byte[] body = concat(u16(TPM_ALG_KEYEDHASH), u16(0), u16(obfuscation.length), obfuscation, u16(key.length), key);
        byte[] sized = concat(u16(body.length), body);
        Arrays.fill(body, (byte) 0);
        return sized;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** RSA-OAEP with SHA-256 (and MGF1-SHA-256); the label gets its terminating zero byte as the TPM expects. */
    private byte[] oaep(RSAPublicKey key, byte[] seed, String label) {
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            byte[] labelBytes = concat(label.getBytes(StandardCharsets.US_ASCII), new byte[1]);
            cipher.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    new PSource.PSpecified(labelBytes)), random);
            return cipher.doFinal(seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP-SHA256 unavailable in this JDK", e);
        }
    }

    /**
     * KDFa (TPM 2.0 Part 1, 11.4.10.2) with HMAC-SHA256: the concatenation over i = 1.. of
     * HMAC(key, u32 i || label || 0 || contextU || contextV || u32 bits), truncated to {@code bits}.
     */
    static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        int bytes = (bits + 7) / 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        for (int counter = 1; out.size() < bytes; counter++) {
            byte[] block = hmac(key, ByteBuffer.allocate(4).putInt(counter).array(), labelBytes, new byte[1], contextU,
                    contextV, ByteBuffer.allocate(4).putInt(bits).array());
            out.writeBytes(block);
            Arrays.fill(block, (byte) 0);
        }
        byte[] all = out.toByteArray();
        byte[] result = Arrays.copyOf(all, bytes);
        Arrays.fill(all, (byte) 0);
        return result;
    }

    /** AES-128 in full-block CFB mode with a zero IV, as the TPM uses for credential and duplication wrapping. */
    static byte[] cfb(byte[] key, byte[] data) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
            return cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CFB unavailable in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        byte[] message = concat(parts);
        try {
            return HmacSha256.compute(key, message);
        } finally {
            Arrays.fill(message, (byte) 0);
        }
    }

    /** Name of a public area: nameAlg (SHA-256) || SHA-256(TPMT_PUBLIC). */
    static byte[] name(byte[] tpmtPublic) {
        return concat(u16(TPM_ALG_SHA256), sha256(tpmtPublic));
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    private static byte[] u16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    /** An RSA TPMT_PUBLIC as the service receives it from the device. */
    private static final class RsaPublicArea {
        final byte[] tpmtPublic;
        final RSAPublicKey key;

        private RsaPublicArea(byte[] tpmtPublic, RSAPublicKey key) {
            this.tpmtPublic = tpmtPublic;
            this.key = key;
        }

        static RsaPublicArea parse(byte[] tpm2b, String what) {
            if (tpm2b == null || tpm2b.length < 2) {
                throw new InvalidInputException(what + " is " + (tpm2b == null ? "null" : tpm2b.length + " bytes")
                        + ", too short for a TPM2B_PUBLIC");
            }
            ByteBuffer in = ByteBuffer.wrap(tpm2b);
            int size = in.getShort() & 0xffff;
            if (size != in.remaining()) {
                throw new InvalidInputException(what + " TPM2B_PUBLIC declares " + size + " bytes but " + in.remaining()
                        + " follow");
            }
            byte[] area = Arrays.copyOfRange(tpm2b, 2, tpm2b.length);
            try {
                int type = in.getShort() & 0xffff;
                if (type != TPM_ALG_RSA) {
                    throw new InvalidInputException(what + " type is 0x" + Integer.toHexString(type) + "; expected RSA (0x0001)");
                }
                int nameAlg = in.getShort() & 0xffff;
                if (nameAlg != TPM_ALG_SHA256) {
                    throw new InvalidInputException(what + " nameAlg is 0x" + Integer.toHexString(nameAlg)
                            + "; expected SHA-256 (0x000b)");
                }
                in.getInt(); // objectAttributes
                skip(in, in.getShort() & 0xffff, what + " authPolicy");
                if ((in.getShort() & 0xffff) != TPM_ALG_NULL) { // symmetric: keyBits, mode
                    in.getShort();
                    in.getShort();
                }
                if ((in.getShort() & 0xffff) != TPM_ALG_NULL) { // scheme: hashAlg
                    in.getShort();
                }
                int keyBits = in.getShort() & 0xffff;
                long exponent = in.getInt() & 0xffffffffL;
                int modulusSize = in.getShort() & 0xffff;
                if (modulusSize * 8 != keyBits || modulusSize > in.remaining()) {
                    throw new InvalidInputException(what + " modulus is " + modulusSize + " bytes for RSA-" + keyBits);
                }
                byte[] modulus = new byte[modulusSize];
                in.get(modulus);
                if (in.hasRemaining()) {
                    throw new InvalidInputException(what + " has " + in.remaining() + " bytes after its modulus");
                }
                RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, modulus), BigInteger.valueOf(exponent == 0 ? 65537 : exponent)));
                return new RsaPublicArea(area, key);
            } catch (java.nio.BufferUnderflowException e) {
                throw new InvalidInputException(what + " ends inside its TPMT_PUBLIC (" + tpm2b.length + " bytes)");
            } catch (GeneralSecurityException e) {
                throw new InvalidInputException(what + " is not a usable RSA public key: " + e.getMessage(), e);
            }
        }

        private static void skip(ByteBuffer in, int n, String field) {
            if (n > in.remaining()) {
                throw new InvalidInputException(field + " declares " + n + " bytes but only " + in.remaining() + " remain");
            }
            in.position(in.position() + n);
        }
    }
}
