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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
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
    void theSimulatorIsNeverPickedUnlessNamed() {
        TpmSimulatorProvider provider = new TpmSimulatorProvider();
        assertFalse(provider.selectableByDefault());
        assertEquals(Swtpm.installed(), provider.availability(HsmConfig.of(Map.of())).available());
    }

    private static long children() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("swtpm")).count();
    }
}
