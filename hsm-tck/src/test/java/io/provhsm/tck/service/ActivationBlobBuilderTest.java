package io.provhsm.tck.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.testing.TestVectors;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The software blob against the structure of the C SDK interop vectors (no TPM here; see ActivationBlobOnSwtpmTest). */
class ActivationBlobBuilderTest {
    private final byte[] ek = TestVectors.tpmBase64("ek_b64");
    private final byte[] srk = TestVectors.tpmBase64("srk_b64");

    @Test
    void blobForA32ByteKeyHasTheVectorBlob1Layout() {
        ActivationBlob vector = ActivationBlob.parse(TestVectors.tpmBase64("blob1_b64"));
        ActivationBlob built = ActivationBlobBuilder.forTpm(ek, srk).buildParsed(TestVectors.tpmHex("k1_hex"));
        assertLayoutEquals(vector, built);
        assertEquals(766, built.encode().length);
    }

    @Test
    void blobForA64ByteKeyHasTheVectorBlob2Layout() {
        ActivationBlob vector = ActivationBlob.parse(TestVectors.tpmBase64("blob2_b64"));
        ActivationBlob built = ActivationBlobBuilder.forTpm(ek, srk).buildParsed(TestVectors.tpmHex("k2_hex"));
        assertLayoutEquals(vector, built);
        assertEquals(798, built.encode().length);
    }

    /** Same field sizes; identity public area equal to the vector's except its 32-byte unique digest. */
    private static void assertLayoutEquals(ActivationBlob vector, ActivationBlob built) {
        assertEquals(vector.credentialBlob().length, built.credentialBlob().length, "credentialBlob size");
        assertEquals(vector.encryptedSecret().length, built.encryptedSecret().length, "encryptedSecret size");
        assertEquals(vector.duplicate().length, built.duplicate().length, "duplicate size");
        assertEquals(vector.inSymSeed().length, built.inSymSeed().length, "inSymSeed size");
        assertEquals(vector.encryptedData().length, built.encryptedData().length, "encryptedData size");
        byte[] vectorPublic = vector.identityPublic();
        byte[] builtPublic = built.identityPublic();
        assertEquals(vectorPublic.length, builtPublic.length);
        int header = vectorPublic.length - 32;
        assertArrayEquals(Arrays.copyOf(vectorPublic, header), Arrays.copyOf(builtPublic, header),
                "identity public area before unique (type, nameAlg, attributes, policy, scheme)");
        assertFalse(Arrays.equals(vectorPublic, builtPublic), "unique = SHA-256(obfuscation || key) differs per blob");
        // integrity HMACs are SHA-256 sized, as the codec demands
        assertEquals(32, ((built.credentialBlob()[0] & 0xff) << 8) | (built.credentialBlob()[1] & 0xff));
        assertEquals(32, ((built.duplicate()[0] & 0xff) << 8) | (built.duplicate()[1] & 0xff));
    }

    @Test
    void theSameRandomnessGivesTheSameBlobAndOtherRandomnessAnother() throws NoSuchAlgorithmException {
        byte[] key = TestVectors.tpmHex("k1_hex");
        byte[] first = ActivationBlobBuilder.forTpm(ek, srk).withRandom(seeded(7)).build(key);
        byte[] again = ActivationBlobBuilder.forTpm(ek, srk).withRandom(seeded(7)).build(key);
        byte[] other = ActivationBlobBuilder.forTpm(ek, srk).withRandom(seeded(8)).build(key);
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
    }

    @Test
    void noDaIsTheDefaultAndCanBeCleared() {
        int withNoDa = attributes(ActivationBlobBuilder.forTpm(ek, srk).buildParsed(new byte[32]));
        int withoutNoDa = attributes(ActivationBlobBuilder.forTpm(ek, srk).withNoDA(false).buildParsed(new byte[32]));
        assertEquals(0x00040440, withNoDa, "userWithAuth | noDA | sign");
        assertEquals(0x00040040, withoutNoDa, "userWithAuth | sign");
    }

    private static int attributes(ActivationBlob blob) {
        byte[] area = blob.identityPublic();
        return ((area[4] & 0xff) << 24) | ((area[5] & 0xff) << 16) | ((area[6] & 0xff) << 8) | (area[7] & 0xff);
    }

    @Test
    void keyLengthsOutsideWhatATpmHoldsAreRefused() {
        ActivationBlobBuilder builder = ActivationBlobBuilder.forTpm(ek, srk);
        assertTrue(assertThrows(InvalidInputException.class, () -> builder.build(new byte[0])).getMessage().contains("1..64"));
        assertTrue(assertThrows(InvalidInputException.class, () -> builder.build(new byte[65])).getMessage().contains("65"));
        // TPM2B_PRIVATE = outer HMAC (2+32) || inner integrity (2+32) || TPM2B_SENSITIVE (2 + type 2 + auth 2 + seed 2+32 + key 2+64)
        assertEquals(34 + 34 + 2 + 2 + 2 + 34 + 66, ActivationBlob.parse(builder.build(new byte[64])).duplicate().length);
    }

    @Test
    void malformedTpmKeysAreRefusedNamingTheKey() {
        byte[] truncated = Arrays.copyOf(ek, 100);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ActivationBlobBuilder.forTpm(truncated, srk));
        assertTrue(e.getMessage().startsWith("endorsement key"), e.getMessage());
        byte[] notRsa = srk.clone();
        notRsa[3] = 0x23; // type ECC
        e = assertThrows(InvalidInputException.class, () -> ActivationBlobBuilder.forTpm(ek, notRsa));
        assertTrue(e.getMessage().contains("storage root key type is 0x23"), e.getMessage());
    }

    private static SecureRandom seeded(long seed) throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }
}
