package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.HsmUnavailableException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.spi.HsmConfig;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.testing.TestVectors;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.CountingTransport;
import io.provhsm.tpm.transport.FaultInjectingTransport;
import io.provhsm.tpm.transport.FaultInjectingTransport.When;
import io.provhsm.tpm.transport.TpmTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests that drive the simulator process itself (kill, restart) or check the TPM with tpm2-tools beside us. */
abstract class SwtpmControlledSuite extends TpmSuite {
    Swtpm swtpm;

    /** A transport to {@link #swtpm}, not yet connected. */
    abstract TpmTransport transport();

    /** The setting that selects this transport to {@link #swtpm}, for the provider in another process. */
    abstract Map.Entry<String, String> setting();

    @Override
    void startTpm(Path stateDir) {
        swtpm = Swtpm.start(stateDir);
    }

    @Override
    TpmDeviceHsm open() {
        return TpmDeviceHsm.open(transport(), null, stateBase());
    }

    /** The base of the per-TPM state directories (provhsm.tpm.state-dir) of this test's sessions. */
    Path stateBase() {
        return temp.resolve("provhsm-tpm");
    }

    @Override
    void stopTpm() {
        if (swtpm != null) {
            swtpm.stop();
        }
    }

    @Test
    void registrationIdIsSha256Base32OfWhatTpm2ReadpublicPrints() throws IOException {
        startOnSharedState();
        byte[] ek;
        String registrationId;
        try (TpmHsm hsm = open()) {
            ek = hsm.endorsementKey();
            registrationId = hsm.registrationId();
        }
        Path out = temp.resolve("ek.tss");
        Tpm2Tools.run(swtpm.tcti(), "tpm2_readpublic", "-c", "0x81010001", "-f", "tss", "-o", out.toString());
        byte[] fromTools = Files.readAllBytes(out);
        assertArrayEquals(fromTools, ek);
        assertEquals(RegistrationIds.fromEndorsementKey(fromTools), registrationId);
        assertEquals(TestVectors.tpmString("registration_id"), registrationId);
    }

    @Test
    void tpm2HmacOnThePersistedIdentityGivesOurBytes() throws IOException {
        startOnSharedState();
        Map<String, byte[]> ours = new java.util.LinkedHashMap<>();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64"));
            TestVectors.tpmMessages().forEach((name, message) -> ours.put(name, hsm.signWithIdentity(message)));
        }
        for (Map.Entry<String, byte[]> message : TestVectors.tpmMessages().entrySet()) {
            Path in = temp.resolve(message.getKey() + ".msg");
            Path out = temp.resolve(message.getKey() + ".hmac");
            Files.write(in, message.getValue());
            Tpm2Tools.run(swtpm.tcti(), "tpm2_hmac", "-c", "0x81000100", "-o", out.toString(), in.toString());
            assertArrayEquals(Files.readAllBytes(out), ours.get(message.getKey()), "tpm2_hmac of " + message.getKey());
            assertArrayEquals(TestVectors.tpmExpectedHmacs("k2").get(message.getKey()), ours.get(message.getKey()));
        }
    }

    @Test
    void malformedBlobsNeverReachTheTpm() {
        startOnSharedState();
        CountingTransport counting = new CountingTransport(transport());
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(counting)) {
            int before = counting.commands();
            byte[] blob = TestVectors.tpmBase64("blob1_b64");
            byte[] wrongSize = blob.clone();
            wrongSize[1] = (byte) 0x35; // credentialBlob size one larger than its contents
            for (byte[] bad : List.of(Arrays.copyOf(blob, 700), Arrays.copyOf(blob, blob.length + 2), wrongSize, new byte[0])) {
                assertThrows(InvalidInputException.class, () -> hsm.activateIdentityKey(bad));
            }
            assertEquals(before, counting.commands(), "no command was sent for malformed blobs");
        }
    }

    @Test
    void theIdentityPersistsIntoANewProcess() throws Exception {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
        }
        byte[] hello = TestVectors.tpmMessages().get("hello");
        String[] lines = signInNewProcess(hello);
        assertEquals(TestVectors.tpmString("registration_id"), lines[lines.length - 2]);
        assertEquals(HexFormat.of().formatHex(TestVectors.tpmExpectedHmacs("k1").get("hello")), lines[lines.length - 1]);
    }

    /** Runs {@link SignInNewProcess} through the provider on this test's swtpm and state directory; its output lines. */
    String[] signInNewProcess(byte[] message) {
        return SignInNewProcess.run(message, Map.of(HsmConfig.PROVIDER, "tpm", setting().getKey(), setting().getValue(),
                TpmSettings.STATE_DIR, stateBase().toString()));
    }

    @Test
    void theIdentitySurvivesSwtpmShutdownAndKillAndTheSessionReconnects() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            swtpm.stop();
            swtpm.restart();
            assertSignsKnownAnswers(hsm, 1);
            swtpm.kill();
            swtpm.restart();
            assertSignsKnownAnswers(hsm, 1);
        }
        try (TpmHsm hsm = open()) {
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    @Test
    void aKilledSwtpmGivesTpmUnreachableAndTheSessionRecoversWhenItIsBack() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            byte[] hello = TestVectors.tpmMessages().get("hello");
            swtpm.kill();
            for (int attempt = 0; attempt < 2; attempt++) {
                HsmUnavailableException e = assertThrows(HsmUnavailableException.class, () -> hsm.signWithIdentity(hello));
                assertTrue(e.getMessage().startsWith("TPM unreachable ("), e.getMessage());
            }
            HsmUnavailableException e = assertThrows(HsmUnavailableException.class,
                    () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64")));
            assertTrue(e.getMessage().startsWith("TPM unreachable"), e.getMessage());
            swtpm.restart();
            assertArrayEquals(TestVectors.tpmExpectedHmacs("k1").get("hello"), hsm.signWithIdentity(hello));
        }
    }

    @Test
    void aTpmWaitingForStartupIsStartedUpByTheFirstCommand() {
        swtpm = Swtpm.start(Swtpm.copyState(TestVectors.tpmSwtpmState(), temp.resolve("no-startup")), false);
        try (TpmHsm hsm = open()) {
            assertArrayEquals(TestVectors.tpmBase64("ek_b64"), hsm.endorsementKey());
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    @Test
    void stateCopiesAndDirectoriesAreReadableByTheOwnerOnly() throws IOException {
        startOnSharedState();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(swtpm.stateDir())));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(swtpm.stateDir().resolve("tpm2-00.permall"))));
    }

    @Test
    void aTpmInLockoutIsAClearErrorAndTheIdentityStays() {
        startOnSharedState();
        FaultInjectingTransport faulty = new FaultInjectingTransport(transport());
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(faulty, null, stateBase())) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            faulty.answer(FaultInjectingTransport.HMAC, 0x921); // TPM_RC_LOCKOUT
            byte[] hello = TestVectors.tpmMessages().get("hello");
            HsmException e = assertThrows(HsmException.class, () -> hsm.signWithIdentity(hello));
            assertTrue(faulty.struck(), "the lockout was answered");
            assertTrue(e.getMessage().startsWith("TPM2_HMAC on identity key 0x81000100 failed: ")
                    && e.getMessage().contains("dictionary-attack lockout")
                    && e.getMessage().contains("tpm2_dictionarylockout --clear-lockout"), e.getMessage());
            assertEquals(0x921, ((TpmCommandException) e).responseCode());
            assertArrayEquals(TestVectors.tpmExpectedHmacs("k1").get("hello"), hsm.signWithIdentity(hello),
                    "the identity is kept once the lockout is over");
        }
    }

    @Test
    void openingAStoppedTpmIsTpmUnreachable() {
        startOnSharedState();
        swtpm.stop();
        HsmUnavailableException e = assertThrows(HsmUnavailableException.class, this::open);
        assertTrue(e.getMessage().startsWith("TPM unreachable"), e.getMessage());
    }

    @Test
    void aForeignObjectAtTheIdentityHandleIsNeverEvicted() throws IOException {
        startOnSharedState();
        Path context = temp.resolve("foreign.ctx");
        Tpm2Tools.run(swtpm.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", context.toString());
        Tpm2Tools.run(swtpm.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", context.toString(), "0x81000100");
        try (TpmHsm hsm = open()) {
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64")));
            assertTrue(e.getMessage().contains("0x81000100") && e.getMessage().contains("foreign object"), e.getMessage());
        }
        String still = Tpm2Tools.run(swtpm.tcti(), "tpm2_readpublic", "-c", "0x81000100");
        assertTrue(still.contains("ecc"), still);
    }

    @Test
    void aForeignObjectAtTheSrkHandleIsAClearErrorAndStaysInPlace() {
        startOnEmptyState();
        Path context = temp.resolve("foreign.ctx");
        Tpm2Tools.run(swtpm.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", context.toString());
        Tpm2Tools.run(swtpm.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", context.toString(), "0x81000001");
        HsmException e = assertThrows(HsmException.class, this::open);
        assertTrue(e.getMessage().contains("0x81000001") && e.getMessage().contains("storage root key"), e.getMessage());
        String still = Tpm2Tools.run(swtpm.tcti(), "tpm2_readpublic", "-c", "0x81000001");
        assertTrue(still.contains("ecc"), still);
    }

    // Crash-safe replacement of the identity at 0x81000100: faults injected exactly between TPM commands.

    /** The fault for "the process died here": nothing after it runs except finally blocks. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash");
        }
    }

    private static final int IDENTITY = 0x81000100;

    Path journalFile() {
        return stateBase().resolve(TestVectors.tpmString("registration_id")).resolve(IdentityJournal.FILE_NAME);
    }

    /** EvictControl of the old identity key (object handle 0x81000100), or of the new, loaded one (0x80xxxxxx). */
    enum Eviction {
        OF_THE_OLD_KEY(0xffffffff, IDENTITY), OF_THE_NEW_KEY(0xff000000, 0x80000000);

        final int mask;
        final int value;

        Eviction(int mask, int value) {
            this.mask = mask;
            this.value = value;
        }
    }

    /**
     * On the shared state: activates blob1 (K1), then blob2 (K2) with {@code fault} striking at {@code eviction};
     * returns what the second activation threw. The session is closed afterwards.
     */
    <T extends Throwable> T replacementInterrupted(Eviction eviction, When when, Runnable fault, Class<T> thrown) {
        startOnSharedState();
        FaultInjectingTransport faulty = new FaultInjectingTransport(transport());
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(faulty, null, stateBase())) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            faulty.arm(FaultInjectingTransport.EVICT_CONTROL, eviction.mask, eviction.value, when, fault);
            T e = assertThrows(thrown, () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64")));
            assertTrue(faulty.struck(), "the fault struck");
            return e;
        }
    }

    static void crash() {
        throw new SimulatedCrash();
    }

    String persistentHandles() {
        return Tpm2Tools.run(swtpm.tcti(), "tpm2_getcap", "handles-persistent");
    }

    /** tpm2_hmac -c 0x81000100 of every vector message equals software HMAC-SHA256 with {@code key}. */
    void assertTpm2HmacIsSoftwareHmacWith(byte[] key) throws IOException {
        for (Map.Entry<String, byte[]> message : TestVectors.tpmMessages().entrySet()) {
            Path in = temp.resolve(message.getKey() + ".msg");
            Path out = temp.resolve(message.getKey() + ".hmac");
            Files.write(in, message.getValue());
            Tpm2Tools.run(swtpm.tcti(), "tpm2_hmac", "-c", "0x81000100", "-o", out.toString(), in.toString());
            assertArrayEquals(HmacSha256.compute(key, message.getValue()), Files.readAllBytes(out),
                    "tpm2_hmac of " + message.getKey());
        }
    }

    @Test
    void swtpmKilledBetweenEvictingTheOldAndPersistingTheNewIdentityIsFinishedByTheNextProcess() throws Exception {
        HsmUnavailableException e = replacementInterrupted(Eviction.OF_THE_OLD_KEY, When.AFTER_RESPONSE, () -> swtpm.kill(),
                HsmUnavailableException.class);
        assertTrue(e.getMessage().startsWith("TPM unreachable") && e.getMessage().contains(journalFile().toString()),
                e.getMessage());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journalFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journalFile().getParent())));
        swtpm.restart();
        String handles = persistentHandles();
        assertFalse(handles.contains("0x81000100"), "the kill left the TPM without an identity: " + handles);
        assertTrue(handles.contains("0x81000001"), handles);

        byte[] hello = TestVectors.tpmMessages().get("hello");
        String[] lines = signInNewProcess(hello);
        assertEquals(HexFormat.of().formatHex(HmacSha256.compute(TestVectors.tpmHex("k2_hex"), hello)), lines[lines.length - 1],
                String.join("\n", lines));
        assertFalse(Files.exists(journalFile()), "the journal is removed once the new identity is persisted");
        assertTpm2HmacIsSoftwareHmacWith(TestVectors.tpmHex("k2_hex"));
    }

    @Test
    void swtpmKilledBeforeEvictingTheOldIdentityGetsTheNewOneFromTheNextSession() throws IOException {
        replacementInterrupted(Eviction.OF_THE_OLD_KEY, When.BEFORE_SENDING, () -> swtpm.kill(), HsmUnavailableException.class);
        swtpm.restart();
        assertTrue(Files.exists(journalFile()));
        assertTpm2HmacIsSoftwareHmacWith(TestVectors.tpmHex("k1_hex")); // the old key is still there
        try (TpmHsm hsm = open()) {
            assertFalse(Files.exists(journalFile()));
            assertSignsKnownAnswers(hsm, 2);
        }
        assertTpm2HmacIsSoftwareHmacWith(TestVectors.tpmHex("k2_hex"));
    }

    @Test
    void aSessionThatLostTheTpmMidReplacementFinishesItOnItsNextCall() {
        startOnSharedState();
        FaultInjectingTransport faulty = new FaultInjectingTransport(transport());
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(faulty, null, stateBase())) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
            faulty.arm(FaultInjectingTransport.EVICT_CONTROL, Eviction.OF_THE_OLD_KEY.mask, Eviction.OF_THE_OLD_KEY.value,
                    When.AFTER_RESPONSE, swtpm::kill);
            assertThrows(HsmUnavailableException.class, () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64")));
            swtpm.restart();
            assertSignsKnownAnswers(hsm, 2);
            assertFalse(Files.exists(journalFile()));
        }
    }

    @Test
    void aCrashAfterPersistingTheNewIdentityLeavesOnlyAJournalThatTheNextSessionRemoves() {
        replacementInterrupted(Eviction.OF_THE_NEW_KEY, When.AFTER_RESPONSE, SwtpmControlledSuite::crash, SimulatedCrash.class);
        assertTrue(Files.exists(journalFile()));
        try (TpmHsm hsm = open()) {
            assertFalse(Files.exists(journalFile()));
            assertSignsKnownAnswers(hsm, 2);
        }
    }

    @Test
    void aJournalThatDoesNotLoadOrParseIsAClearErrorAndTheOldIdentityStays() throws IOException {
        replacementInterrupted(Eviction.OF_THE_OLD_KEY, When.BEFORE_SENDING, SwtpmControlledSuite::crash, SimulatedCrash.class);
        // well-formed, but the wrapped private part was altered: the TPM's integrity check refuses it
        IdentityJournal journal = new IdentityJournal(journalFile().getParent());
        IdentityJournal.Entry entry = journal.read();
        byte[] altered = entry.privatePart().clone();
        altered[altered.length - 1] ^= 0x01;
        journal.write(entry.publicArea(), altered);
        HsmException notLoading = assertThrows(HsmException.class, this::open);
        assertTrue(notLoading.getMessage().contains(journalFile().toString())
                && notLoading.getMessage().contains("does not load"), notLoading.getMessage());
        assertTpm2HmacIsSoftwareHmacWith(TestVectors.tpmHex("k1_hex"));

        byte[] torn = Arrays.copyOf(Files.readAllBytes(journalFile()), 60);
        Files.write(journalFile(), torn);
        HsmException corrupt = assertThrows(HsmException.class, this::open);
        assertTrue(corrupt.getMessage().contains(journalFile().toString())
                && corrupt.getMessage().contains("SHA-256"), corrupt.getMessage());
        assertTpm2HmacIsSoftwareHmacWith(TestVectors.tpmHex("k1_hex"));

        // removing the journal, as the message says, leaves the TPM as it is
        Files.delete(journalFile());
        try (TpmHsm hsm = open()) {
            assertSignsKnownAnswers(hsm, 1);
        }
    }

    @Test
    void aForeignObjectPersistedAtTheIdentityHandleAfterACrashIsNeverEvictedByRecovery() {
        replacementInterrupted(Eviction.OF_THE_OLD_KEY, When.BEFORE_SENDING, SwtpmControlledSuite::crash, SimulatedCrash.class);
        // meanwhile another application freed the handle and persisted its own key there
        Path context = temp.resolve("foreign.ctx");
        Tpm2Tools.run(swtpm.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", "0x81000100");
        Tpm2Tools.run(swtpm.tcti(), "tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", context.toString());
        Tpm2Tools.run(swtpm.tcti(), "tpm2_evictcontrol", "-C", "o", "-c", context.toString(), "0x81000100");
        HsmException e = assertThrows(HsmException.class, this::open);
        assertTrue(e.getMessage().contains(journalFile().toString()) && e.getMessage().contains("foreign object"),
                e.getMessage());
        assertTrue(Tpm2Tools.run(swtpm.tcti(), "tpm2_readpublic", "-c", "0x81000100").contains("ecc"));
        assertTrue(Files.exists(journalFile()), "the journal is kept");
    }

    @Test
    void withoutAWritableStateDirectoryActivationIsRefusedAndTheIdentityStays() throws IOException {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
        }
        Path notADirectory = Files.writeString(temp.resolve("not-a-directory"), "x");
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(transport(), null, notADirectory)) {
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64")));
            assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
            assertSignsKnownAnswers(hsm, 1);
        }
    }
}
