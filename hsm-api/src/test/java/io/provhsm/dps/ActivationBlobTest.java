package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.testing.TestVectors;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ActivationBlobTest {

    // ---- known answers: the shared blobs built by the service-side simulation and activated by the C SDK

    @Test
    void sharedBlobsParseAndReEncodeByteIdentical() {
        for (String name : new String[] {"blob1_b64", "blob2_b64"}) {
            byte[] wire = TestVectors.tpmBase64(name);
            ActivationBlob blob = ActivationBlob.parse(wire);
            assertArrayEquals(wire, blob.encode(), name);
            assertEquals(256, blob.encryptedSecret().length, name + " EK-encrypted seed (RSA-2048)");
            assertEquals(256, blob.inSymSeed().length, name + " SRK-encrypted seed (RSA-2048)");
            assertEquals(0, blob.encryptedData().length, name);
            assertEquals(0x0008, ByteBuffer.wrap(blob.identityPublic()).getShort(), name + " KEYEDHASH");
            byte[] tpm2b = blob.identityPublicTpm2b();
            assertEquals(blob.identityPublic().length, ByteBuffer.wrap(tpm2b).getShort() & 0xffff);
            assertArrayEquals(blob.identityPublic(), Arrays.copyOfRange(tpm2b, 2, tpm2b.length));
        }
        assertEquals(766, TestVectors.tpmBase64("blob1_b64").length);
        assertEquals(798, TestVectors.tpmBase64("blob2_b64").length);
    }

    @Test
    void everyTruncationOfASharedBlobIsRejected() {
        byte[] wire = TestVectors.tpmBase64("blob1_b64");
        for (int length = 0; length < wire.length; length++) {
            byte[] truncated = Arrays.copyOf(wire, length);
            assertThrows(InvalidInputException.class, () -> ActivationBlob.parse(truncated), "truncated to " + length);
        }
    }

    @Test
    void errorsNameTheFieldAndOffset() {
        byte[] wire = TestVectors.tpmBase64("blob1_b64");
        assertEquals("activation blob has 1 trailing bytes after encryptedData (offset 766)",
                message(Arrays.copyOf(wire, wire.length + 1)));
        assertEquals("activation blob ends before the size of encryptedData (offset 764, 0 bytes left)",
                message(Arrays.copyOf(wire, 764)));
        assertTrue(message(Arrays.copyOf(wire, 100)).startsWith("encryptedSecret (TPM2B_ENCRYPTED_SECRET) declares 256 bytes but only"));

        byte[] badHmacSize = wire.clone();
        badHmacSize[3] = 31; // credentialBlob's integrity HMAC size 0x0020 -> 0x001f
        assertEquals("credentialBlob (TPM2B_ID_OBJECT) integrity HMAC size is 31; expected 32 (SHA-256)", message(badHmacSize));

        byte[] oversized = wire.clone();
        oversized[0] = (byte) 0xff;
        assertEquals("credentialBlob (TPM2B_ID_OBJECT) declares 65332 bytes; at most 4096 (offset 0)", message(oversized));

        ActivationBlob blob = ActivationBlob.parse(wire);
        byte[] rsaPublic = blob.identityPublic();
        rsaPublic[1] = 0x01; // TPM_ALG_RSA
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new ActivationBlob(blob.credentialBlob(),
                blob.encryptedSecret(), blob.duplicate(), blob.inSymSeed(), rsaPublic, blob.encryptedData()));
        assertEquals("identityPublic (TPM2B_PUBLIC) type is 0x1; expected KEYEDHASH (0x0008)", e.getMessage());

        byte[] longerPublic = Arrays.copyOf(blob.identityPublic(), blob.identityPublic().length + 2);
        e = assertThrows(InvalidInputException.class, () -> new ActivationBlob(blob.credentialBlob(),
                blob.encryptedSecret(), blob.duplicate(), blob.inSymSeed(), longerPublic, blob.encryptedData()));
        assertTrue(e.getMessage().contains("disagrees with its TPMT_PUBLIC"), e.getMessage());

        e = assertThrows(InvalidInputException.class, () -> new ActivationBlob(blob.credentialBlob(),
                null, blob.duplicate(), blob.inSymSeed(), blob.identityPublic(), blob.encryptedData()));
        assertEquals("encryptedSecret (TPM2B_ENCRYPTED_SECRET) is missing (null)", e.getMessage());
    }

    private static String message(byte[] wire) {
        return assertThrows(InvalidInputException.class, () -> ActivationBlob.parse(wire)).getMessage();
    }

    @Test
    void accessorsAndConstructorCopy() {
        byte[] wire = TestVectors.tpmBase64("blob1_b64");
        ActivationBlob blob = ActivationBlob.parse(wire);
        blob.credentialBlob()[5] ^= 1;
        blob.encryptedSecret()[0] ^= 1;
        blob.duplicate()[5] ^= 1;
        blob.inSymSeed()[0] ^= 1;
        blob.identityPublic()[3] ^= 1;
        assertArrayEquals(wire, blob.encode());

        byte[] secret = blob.encryptedSecret();
        ActivationBlob copy = new ActivationBlob(blob.credentialBlob(), secret, blob.duplicate(), blob.inSymSeed(),
                blob.identityPublic(), blob.encryptedData());
        secret[0] ^= 1;
        assertArrayEquals(wire, copy.encode());
        assertEquals(blob, copy);
        assertEquals(blob.hashCode(), copy.hashCode());
    }

    // ---- properties

    @Provide
    Arbitrary<ActivationBlob> blobs() {
        Arbitrary<byte[]> credential = withIntegrityHmac(Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(80));
        Arbitrary<byte[]> secret = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(520);
        Arbitrary<byte[]> duplicate = withIntegrityHmac(Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200));
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Combinators.combine(credential, secret, duplicate, secret, keyedHashPublics(), data)
                .as(ActivationBlob::new);
    }

    private static Arbitrary<byte[]> withIntegrityHmac(Arbitrary<byte[]> tail) {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(32), tail)
                .as((hmac, rest) -> ByteBuffer.allocate(2 + 32 + rest.length).putShort((short) 32).put(hmac).put(rest).array());
    }

    private static Arbitrary<byte[]> keyedHashPublics() {
        Arbitrary<byte[]> digest = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> scheme = Arbitraries.of(new byte[] {0, 0x10}, new byte[] {0, 0x05, 0, 0x0b},
                new byte[] {0, 0x0a, 0, 0x0b, 0, 0x22});
        return Combinators.combine(Arbitraries.shorts(), Arbitraries.integers(), digest, scheme, digest)
                .as((nameAlg, attributes, policy, schemeBytes, unique) -> ByteBuffer
                        .allocate(2 + 2 + 4 + 2 + policy.length + schemeBytes.length + 2 + unique.length)
                        .putShort((short) 0x0008).putShort(nameAlg).putInt(attributes)
                        .putShort((short) policy.length).put(policy).put(schemeBytes)
                        .putShort((short) unique.length).put(unique).array());
    }

    @Property(tries = 300)
    void parseOfEncodeIsIdentity(@ForAll("blobs") ActivationBlob blob) {
        byte[] wire = blob.encode();
        ActivationBlob parsed = ActivationBlob.parse(wire);
        assertEquals(blob, parsed);
        assertArrayEquals(wire, parsed.encode());
    }

    @Property(tries = 300)
    void truncatedBlobsAreRejected(@ForAll("blobs") ActivationBlob blob, @ForAll int cut) {
        byte[] wire = blob.encode();
        byte[] truncated = Arrays.copyOf(wire, Math.floorMod(cut, wire.length));
        assertThrows(InvalidInputException.class, () -> ActivationBlob.parse(truncated));
    }

    @Property(tries = 300)
    void oversizedBlobsAreRejected(@ForAll("blobs") ActivationBlob blob, @ForAll @Size(min = 1, max = 16) byte[] extra) {
        byte[] wire = blob.encode();
        byte[] longer = Arrays.copyOf(wire, wire.length + extra.length);
        System.arraycopy(extra, 0, longer, wire.length, extra.length);
        assertThrows(InvalidInputException.class, () -> ActivationBlob.parse(longer));
    }

    @Property(tries = 500)
    void randomBytesParseOnlyToTheirOwnEncodingOrInvalidInput(@ForAll @Size(max = 2000) byte[] random) {
        parsesFaithfullyOrRejects(random);
    }

    @Property(tries = 500)
    void aCorruptedByteParsesOnlyToItsOwnEncodingOrInvalidInput(@ForAll("blobs") ActivationBlob blob, @ForAll int where,
                                                                  @ForAll byte xor) {
        byte[] wire = blob.encode();
        wire[Math.floorMod(where, wire.length)] ^= xor;
        parsesFaithfullyOrRejects(wire);
    }

    private static void parsesFaithfullyOrRejects(byte[] wire) {
        ActivationBlob parsed;
        try {
            parsed = ActivationBlob.parse(wire);
        } catch (InvalidInputException expected) {
            return;
        }
        assertArrayEquals(wire, parsed.encode());
    }
}
