package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.HsmUnavailableException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.CountingTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        return TpmDeviceHsm.open(transport());
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
        assertEquals(TpmVectors.registrationId(), registrationId);
    }

    @Test
    void tpm2HmacOnThePersistedIdentityGivesOurBytes() throws IOException {
        startOnSharedState();
        Map<String, byte[]> ours = new java.util.LinkedHashMap<>();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TpmVectors.blob2());
            TpmVectors.messages().forEach((name, message) -> ours.put(name, hsm.signWithIdentity(message)));
        }
        for (Map.Entry<String, byte[]> message : TpmVectors.messages().entrySet()) {
            Path in = temp.resolve(message.getKey() + ".msg");
            Path out = temp.resolve(message.getKey() + ".hmac");
            Files.write(in, message.getValue());
            Tpm2Tools.run(swtpm.tcti(), "tpm2_hmac", "-c", "0x81000100", "-o", out.toString(), in.toString());
            assertArrayEquals(Files.readAllBytes(out), ours.get(message.getKey()), "tpm2_hmac of " + message.getKey());
            assertArrayEquals(TpmVectors.expectedHmacs(2).get(message.getKey()), ours.get(message.getKey()));
        }
    }

    @Test
    void malformedBlobsNeverReachTheTpm() {
        startOnSharedState();
        CountingTransport counting = new CountingTransport(transport());
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(counting)) {
            int before = counting.commands();
            byte[] blob = TpmVectors.blob1();
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
            hsm.activateIdentityKey(TpmVectors.blob1());
        }
        byte[] hello = TpmVectors.messages().get("hello");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SignInNewProcess.class.getName(),
                setting().getKey(), setting().getValue(), HexFormat.of().formatHex(hello)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        String[] lines = output.strip().split("\\R");
        assertEquals(TpmVectors.registrationId(), lines[lines.length - 2]);
        assertEquals(HexFormat.of().formatHex(TpmVectors.expectedHmacs(1).get("hello")), lines[lines.length - 1]);
    }

    @Test
    void theIdentitySurvivesSwtpmShutdownAndKillAndTheSessionReconnects() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TpmVectors.blob1());
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
            hsm.activateIdentityKey(TpmVectors.blob1());
            byte[] hello = TpmVectors.messages().get("hello");
            swtpm.kill();
            for (int attempt = 0; attempt < 2; attempt++) {
                HsmUnavailableException e = assertThrows(HsmUnavailableException.class, () -> hsm.signWithIdentity(hello));
                assertTrue(e.getMessage().startsWith("TPM unreachable ("), e.getMessage());
            }
            HsmUnavailableException e = assertThrows(HsmUnavailableException.class,
                    () -> hsm.activateIdentityKey(TpmVectors.blob2()));
            assertTrue(e.getMessage().startsWith("TPM unreachable"), e.getMessage());
            swtpm.restart();
            assertArrayEquals(TpmVectors.expectedHmacs(1).get("hello"), hsm.signWithIdentity(hello));
        }
    }

    @Test
    void aTpmWaitingForStartupIsStartedUpByTheFirstCommand() {
        swtpm = Swtpm.start(Swtpm.copyState(TpmVectors.SWTPM_STATE, temp.resolve("no-startup")), false);
        try (TpmHsm hsm = open()) {
            assertArrayEquals(TpmVectors.ek(), hsm.endorsementKey());
            hsm.activateIdentityKey(TpmVectors.blob1());
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
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(TpmVectors.blob1()));
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
}
