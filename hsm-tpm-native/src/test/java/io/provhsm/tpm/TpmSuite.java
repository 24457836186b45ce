package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.testing.TestVectors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPM provider's behaviour on a real TPM (swtpm), the same for every way of reaching it. Each test gets its
 * own simulator on free ports with a fresh copy of the shared state (or an empty state), stopped by PID after it.
 */
abstract class TpmSuite {
    @TempDir
    Path temp;

    /** Starts a TPM on {@code stateDir} (prepared by the test) for {@link #open()}. */
    abstract void startTpm(Path stateDir);

    /** A new session on the TPM started last. */
    abstract TpmHsm open();

    /** Stops whatever {@link #startTpm} started. */
    abstract void stopTpm();

    @AfterEach
    void stopAfterTest() {
        stopTpm();
    }

    /** Starts a TPM on a fresh copy of the shared vectors' swtpm state (EK and SRK of the C SDK, no identity). */
    void startOnSharedState() {
        startTpm(io.provhsm.tpm.sim.Swtpm.copyState(TestVectors.tpmSwtpmState(), temp.resolve("shared-state")));
    }

    void startOnEmptyState() {
        startTpm(temp.resolve("empty-state"));
    }

    @Test
    void endorsementAndStorageRootKeysAreTheCSdkVectorBytes() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            byte[] ek = hsm.endorsementKey();
            byte[] srk = hsm.storageRootKey();
            assertArrayEquals(TestVectors.tpmBase64("ek_b64"), ek);
            assertArrayEquals(TestVectors.tpmBase64("srk_b64"), srk);
            assertEquals(316, ek.length);
            assertEquals(284, srk.length);
            assertEquals("013a0001000b000300b20020837197", HexFormat.of().formatHex(Arrays.copyOf(ek, 15)));
            assertEquals("011a0001000b00030472", HexFormat.of().formatHex(Arrays.copyOf(srk, 10)));
            assertEquals(TestVectors.tpmString("registration_id"), hsm.registrationId());
            assertEquals(RegistrationIds.fromEndorsementKey(ek), hsm.registrationId());
            assertEquals(52, hsm.registrationId().length());
        }
    }

    @Test
    void aFreshTpmGetsEkAndSrkWithTheCSdkTemplatesOnceAndKeepsThem() {
        startOnEmptyState();
        byte[] ek;
        byte[] srk;
        try (TpmHsm hsm = open()) {
            ek = hsm.endorsementKey();
            srk = hsm.storageRootKey();
        }
        assertNotEquals(TestVectors.tpmString("registration_id"), RegistrationIds.fromEndorsementKey(ek), "another TPM, another EK");
        // same template as the C SDK's EK: everything but the 256-byte modulus is equal to the vector's
        assertEquals(316, ek.length);
        assertEquals(284, srk.length);
        assertArrayEquals(Arrays.copyOf(TestVectors.tpmBase64("ek_b64"), 316 - 256), Arrays.copyOf(ek, 316 - 256), "EK template fields");
        assertArrayEquals(Arrays.copyOf(TestVectors.tpmBase64("srk_b64"), 284 - 256), Arrays.copyOf(srk, 284 - 256), "SRK template fields");
        ByteBuffer area = ByteBuffer.wrap(ek);
        assertEquals(314, area.getShort());
        assertEquals(0x0001, area.getShort(), "RSA");
        assertEquals(0x000B, area.getShort(), "nameAlg SHA-256");
        assertEquals(0x000300B2, area.getInt(), "EK attributes");
        assertEquals(0x000300B2, TpmKeyTemplates.EK_ATTRIBUTES);
        assertEquals(0x00030472, ByteBuffer.wrap(srk, 6, 4).getInt(), "SRK attributes");

        // the second session finds the persisted keys and does not create new ones
        try (TpmHsm again = open()) {
            assertArrayEquals(ek, again.endorsementKey());
            assertArrayEquals(srk, again.storageRootKey());
        }
    }

    @Test
    void vectorBlobsActivateAndSignTheKnownAnswersAndTheSecondReplacesTheFirst() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            assertSignsKnownAnswers(hsm, 1);
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64"));
            assertSignsKnownAnswers(hsm, 2);
            // the same blob activates again with the same result (it binds to EK + SRK only)
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    static void assertSignsKnownAnswers(TpmHsm hsm, int key) {
        Map<String, byte[]> expected = TestVectors.tpmExpectedHmacs("k" + key);
        TestVectors.tpmMessages().forEach((name, message) ->
                assertArrayEquals(expected.get(name), hsm.signWithIdentity(message), "HMAC with K" + key + " of " + name));
    }

    @Test
    void signingBeforeAnyActivationIsAnIllegalStateNamingTheHandleAndHowToActivate() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> hsm.signWithIdentity(new byte[5]));
            assertEquals("no identity key at 0x81000100: activate the key the provisioning service sealed to this TPM"
                    + " first (TpmHsm.activateIdentityKey, or `provhsm tpm activate`)", e.getMessage());
        }
    }

    @Test
    void aVectorBlobOnAnotherTpmFailsClearlyAndLeavesNoIdentity() {
        startOnEmptyState();
        try (TpmHsm hsm = open()) {
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64")));
            assertFalse(e instanceof InvalidInputException);
            assertTrue(e.getMessage().contains("not made for this TPM"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> hsm.signWithIdentity(new byte[1]));
        }
    }

    @Test
    void malformedBlobsAreInvalidInputAndThePreviousIdentityStays() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            byte[] blob = TestVectors.tpmBase64("blob2_b64");
            for (int length : new int[] {0, 1, 2, 53, 54, 300, blob.length / 2, blob.length - 3, blob.length - 1}) {
                byte[] truncated = Arrays.copyOf(blob, length);
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> hsm.activateIdentityKey(truncated),
                        "truncated to " + length);
                assertTrue(e.getMessage().contains("activation blob") || e.getMessage().contains("declares"), e.getMessage());
            }
            byte[] trailing = Arrays.copyOf(blob, blob.length + 1);
            assertThrows(InvalidInputException.class, () -> hsm.activateIdentityKey(trailing));
            assertThrows(InvalidInputException.class, () -> hsm.activateIdentityKey(null));
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    @Test
    void bitFlippedBlobsFailCleanlyLeakNothingAndKeepThePreviousIdentity() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            byte[] blob = TestVectors.tpmBase64("blob2_b64");
            int refusedByTpm = 0;
            // every 41st byte: size fields, HMACs, the encrypted seeds, the public area
            for (int offset = 0; offset < blob.length; offset += 41) {
                byte[] flipped = blob.clone();
                flipped[offset] ^= 0x10;
                HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(flipped), "bit flipped at " + offset);
                if (!(e instanceof InvalidInputException)) {
                    refusedByTpm++;
                    assertTrue(e.getMessage().contains("TPM2_"), e.getMessage());
                }
            }
            assertTrue(refusedByTpm > 5, "most flips pass the codec and are refused by the TPM: " + refusedByTpm);
            assertSignsKnownAnswers(hsm, 1);
            // no session or transient object leaked: with 3 slots each, a leak would have broken this long ago
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64"));
            assertSignsKnownAnswers(hsm, 2);
        }
    }

    @Test
    void theIdentityPersistsAcrossSessions() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
        }
        try (TpmHsm hsm = open()) {
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    @Test
    void manyThreadsSigningThroughOneSessionAllGetCorrectHmacs() throws Exception {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            List<Map.Entry<String, byte[]>> messages = new ArrayList<>(TestVectors.tpmMessages().entrySet());
            Map<String, byte[]> expected = TestVectors.tpmExpectedHmacs("k1");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    Callable<Integer> signer = () -> {
                        for (int i = 0; i < 12; i++) {
                            Map.Entry<String, byte[]> message = messages.get((thread + i) % messages.size());
                            assertArrayEquals(expected.get(message.getKey()), hsm.signWithIdentity(message.getValue()),
                                    "thread " + thread + " call " + i + " " + message.getKey());
                        }
                        return thread;
                    };
                    results.add(pool.submit(signer));
                }
                for (Future<Integer> result : results) {
                    result.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClosedSessionRefusesCalls() {
        startOnSharedState();
        TpmHsm hsm = open();
        hsm.close();
        hsm.close();
        assertThrows(IllegalStateException.class, hsm::endorsementKey);
        assertThrows(IllegalStateException.class, () -> hsm.signWithIdentity(new byte[1]));
    }
}
