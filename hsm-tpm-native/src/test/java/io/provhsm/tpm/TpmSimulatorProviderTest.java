package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Hsms;
import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.testing.TestVectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The suite through the tpm-simulator provider, found by discovery, which starts and stops swtpm itself. */
class TpmSimulatorProviderTest extends TpmSuite {
    private Path stateDir;
    private final List<TpmHsm> opened = new ArrayList<>();

    @Override
    void startTpm(Path stateDir) {
        this.stateDir = stateDir; // the provider's swtpm creates it if missing
    }

    @Override
    TpmHsm open() {
        TpmHsm hsm = Hsms.openTpm(HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm-simulator",
                TpmSettings.SIMULATOR_STATE_DIR, stateDir.toString(), TpmSettings.STATE_DIR, temp.resolve("provhsm-tpm").toString())));
        opened.add(hsm);
        return hsm;
    }

    @Override
    void stopTpm() {
        opened.forEach(TpmHsm::close);
    }

    @Test
    void theSimulatorKeepsItsEkAcrossRunsAndStopsItsSwtpmOnClose() {
        startOnEmptyState();
        byte[] ek;
        long swtpmProcesses;
        try (TpmHsm hsm = open()) {
            ek = hsm.endorsementKey();
            swtpmProcesses = children();
            assertTrue(swtpmProcesses >= 1, "swtpm runs while the session is open");
        }
        assertEquals(swtpmProcesses - 1, children(), "closing the session stopped its swtpm");
        try (TpmHsm hsm = open()) {
            assertArrayEquals(ek, hsm.endorsementKey(), "same state directory, same EK");
        }
    }

    @Test
    void aStateDirectoryInUseByAnotherSimulatorIsAClearError() {
        startOnEmptyState();
        try (TpmHsm first = open()) {
            io.provhsm.HsmUnavailableException e = assertThrows(
                    io.provhsm.HsmUnavailableException.class, this::open);
            assertTrue(e.getMessage().contains("is in use by another swtpm"), e.getMessage());
            // the first session keeps working while the second is refused
            assertThrows(IllegalStateException.class, () -> first.signWithIdentity(new byte[1]), "no identity yet");
            assertEquals(io.provhsm.dps.RegistrationIds.fromEndorsementKey(first.endorsementKey()), first.registrationId());
        }
    }

    @Test
    void theDefaultStateDirectoryAndTheProvhsmDirectoryAboveItAreCreatedOwnerOnly() throws IOException {
        Path dataHome = Files.createDirectory(temp.resolve("xdg-data-home"));
        Properties system = new Properties();
        system.setProperty("os.name", System.getProperty("os.name"));
        HsmConfig config = HsmConfig.from(Map.of(HsmConfig.PROVIDER, "tpm-simulator"), system,
                Map.of("XDG_DATA_HOME", dataHome.toString()));
        Path provhsm = dataHome.resolve("provhsm");
        try (TpmHsm hsm = Hsms.openTpm(config)) {
            assertEquals(RegistrationIds.fromEndorsementKey(hsm.endorsementKey()), hsm.registrationId());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(provhsm)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(provhsm.resolve("tpm-simulator"))));
    }

    @Test
    void tpm2HmacOnTheSimulatorsStateGivesTheProvidersBytes() throws IOException {
        startOnSharedState();
        Map<String, byte[]> ours = new LinkedHashMap<>();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob2_b64"));
            TestVectors.tpmMessages().forEach((name, message) -> ours.put(name, hsm.signWithIdentity(message)));
        }
        // the session's swtpm is stopped (the state directory is free): tpm2-tools reads the same state
        Swtpm swtpm = Swtpm.start(stateDir);
        try {
            for (Map.Entry<String, byte[]> message : TestVectors.tpmMessages().entrySet()) {
                Path in = Files.write(temp.resolve(message.getKey() + ".msg"), message.getValue());
                Path out = temp.resolve(message.getKey() + ".hmac");
                Tpm2Tools.run(swtpm.tcti(), "tpm2_hmac", "-c", "0x81000100", "-o", out.toString(), in.toString());
                assertArrayEquals(Files.readAllBytes(out), ours.get(message.getKey()), "tpm2_hmac of " + message.getKey());
                assertArrayEquals(TestVectors.tpmExpectedHmacs("k2").get(message.getKey()), ours.get(message.getKey()));
            }
        } finally {
            swtpm.stop();
        }
    }

    @Test
    void aNewJvmOpeningTheSimulatorOnTheSameStateSignsWithoutActivation() {
        startOnSharedState();
        try (TpmHsm hsm = open()) {
            hsm.activateIdentityKey(TestVectors.tpmBase64("blob1_b64"));
        }
        byte[] hello = TestVectors.tpmMessages().get("hello");
        String[] lines = SignInNewProcess.run(hello, Map.of(HsmConfig.PROVIDER, "tpm-simulator",
                TpmSettings.SIMULATOR_STATE_DIR, stateDir.toString(), TpmSettings.STATE_DIR, temp.resolve("provhsm-tpm").toString()));
        assertEquals(TestVectors.tpmString("registration_id"), lines[lines.length - 2], String.join("\n", lines));
        assertEquals(HexFormat.of().formatHex(TestVectors.tpmExpectedHmacs("k1").get("hello")), lines[lines.length - 1]);
        assertEquals(0, children(), "our session stopped its swtpm");
    }

    @Test
    void theSimulatorIsNeverPickedUnlessNamed() {
        TpmSimulatorProvider provider = new TpmSimulatorProvider();
        assertFalse(provider.selectableByDefault());
        assertEquals(Swtpm.installed(), provider.availability(HsmConfig.of(Map.of())).available());
    }

    private static long children() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("swtpm")).count();
    }
}
