package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import io.provhsm.HsmUnavailableException;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.TpmHsm;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.testing.TestVectors;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TctiTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Selection of the provider and its transport by settings, and the errors for unusable settings. */
class TpmProviderTest {
    private final TpmProvider provider = new TpmProvider();

    @Test
    void discoveryFindsBothProvidersUnderTheirNames() {
        assertTrue(Hsms.providers().stream().anyMatch(p -> p instanceof TpmProvider && p.name().equals("tpm")));
        assertTrue(Hsms.providers().stream().anyMatch(p -> p instanceof TpmSimulatorProvider && p.name().equals("tpm-simulator")));
        assertEquals(java.util.Set.of(Mechanism.TPM), provider.mechanisms());
    }

    @Test
    void tcpAndTctiSettingsSelectTheirTransports(@TempDir Path temp) {
        try (Swtpm swtpm = Swtpm.start(Swtpm.copyState(TestVectors.tpmSwtpmState(), temp))) {
            for (Map.Entry<String, String> setting : Map.of(TpmSettings.TCP, swtpm.tcpAddress(), TpmSettings.TCTI, swtpm.tcti()).entrySet()) {
                HsmConfig config = HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm", setting.getKey(), setting.getValue()));
                assertTrue(provider.availability(config).available(), provider.availability(config).reason());
                try (TpmHsm hsm = Hsms.openTpm(config)) {
                    assertArrayEquals(TestVectors.tpmBase64("ek_b64"), hsm.endorsementKey());
                    String expected = setting.getKey().equals(TpmSettings.TCP) ? "tcp " : "tcti ";
                    assertTrue(((TpmDeviceHsm) hsm).transportDescription().startsWith(expected));
                }
            }
        }
    }

    @Test
    void withoutATpmDeviceOrAChosenTctiTheProviderIsUnavailableAndSaysWhy() {
        org.junit.jupiter.api.Assumptions.assumeTrue(!TpmSettings.tpmDevicePresent() && System.getenv("TPM2TOOLS_TCTI") == null
                && System.getenv("TCTI") == null, "this machine has a TPM or a TCTI in the environment");
        Availability availability = provider.availability(HsmConfig.of(Map.of()));
        assertFalse(availability.available());
        assertTrue(availability.reason().contains("/dev/tpmrm0") && availability.reason().contains(TpmSettings.TCTI),
                availability.reason());
        NoProviderException e = assertThrows(NoProviderException.class,
                () -> Hsms.openTpm(HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm"))));
        assertTrue(e.getMessage().contains("cannot run here"), e.getMessage());
    }

    @Test
    void aMissingTctiLoaderLibraryIsNamedWithItsDebianPackage(@TempDir Path temp) {
        String missing = temp.resolve("libtss2-tctildr.so.0").toString();
        HsmConfig config = HsmConfig.of(Map.of(TpmSettings.TCTI, "swtpm:host=127.0.0.1,port=1", TpmSettings.TCTI_LIBRARY, missing));
        Availability availability = provider.availability(config);
        assertFalse(availability.available());
        assertTrue(availability.reason().contains("libtss2-tctildr0") && availability.reason().contains("libtss2-dev"),
                availability.reason());
        HsmUnavailableException e = assertThrows(HsmUnavailableException.class, () -> provider.open(Mechanism.TPM, config));
        assertTrue(e.getMessage().contains("install the Debian package libtss2-tctildr0"), e.getMessage());
    }

    @Test
    void malformedSettingsAreConfigErrorsNamingTheSetting() {
        HsmConfig badTransport = HsmConfig.of(Map.of(TpmSettings.TRANSPORT, "usb"));
        assertFalse(provider.availability(badTransport).available());
        assertTrue(provider.availability(badTransport).reason().contains(TpmSettings.TRANSPORT));
        for (String address : new String[] {"localhost", "localhost:", "localhost:http", "localhost:70000"}) {
            HsmConfigException e = assertThrows(HsmConfigException.class,
                    () -> provider.open(Mechanism.TPM, HsmConfig.of(Map.of(TpmSettings.TCP, address))));
            assertTrue(e.getMessage().contains(TpmSettings.TCP), e.getMessage());
        }
        assertThrows(HsmConfigException.class, () -> provider.open(Mechanism.TPM,
                HsmConfig.of(Map.of(TpmSettings.TCP, "127.0.0.1:1", TpmSettings.TIMEOUT_MILLIS, "0"))));
    }

    @Test
    void nothingListeningOnTheTcpPortIsTpmUnreachable() {
        HsmUnavailableException e = assertThrows(HsmUnavailableException.class,
                () -> provider.open(Mechanism.TPM, HsmConfig.of(Map.of(TpmSettings.TCP, "127.0.0.1:1"))));
        assertTrue(e.getMessage().startsWith("TPM unreachable (tcp 127.0.0.1:1)"), e.getMessage());
    }

    @Test
    void theDefaultTctiFollowsTpm2Tools() {
        assertEquals("swtpm:port=5", TctiTransport.defaultConfiguration(Map.of("TPM2TOOLS_TCTI", "swtpm:port=5", "TCTI", "x")));
        assertEquals("mssim", TctiTransport.defaultConfiguration(Map.of("TCTI", "mssim")));
        String device = TctiTransport.defaultConfiguration(Map.of());
        assertEquals(Files.exists(Path.of("/dev/tpmrm0")) ? "device:/dev/tpmrm0" : "device:/dev/tpm0", device);
    }

    @Test
    void theSimulatorStateLivesUnderTheUsersDataDirectoryUnlessSet() {
        Path dir = TpmSettings.simulatorStateDir(HsmConfig.of(Map.of()));
        assertTrue(dir.endsWith(Path.of("provhsm", "tpm-simulator")), dir.toString());
        assertEquals(HsmConfig.of(Map.of()).userDataDirectory().resolve("tpm-simulator"), dir);
        assertEquals(Path.of("/x/y"), TpmSettings.simulatorStateDir(HsmConfig.of(Map.of(TpmSettings.SIMULATOR_STATE_DIR, "/x/y"))));
    }

    @Test
    void theIdentityJournalLivesUnderTheUsersDataDirectoryUnlessSet() {
        Path dir = TpmSettings.stateDir(HsmConfig.of(Map.of()));
        assertEquals(HsmConfig.of(Map.of()).userDataDirectory().resolve("tpm"), dir);
        Properties linux = new Properties();
        linux.setProperty("os.name", "Linux");
        assertEquals(Path.of("/data/provhsm/tpm"),
                TpmSettings.stateDir(HsmConfig.from(Map.of(), linux, Map.of("XDG_DATA_HOME", "/data", "HOME", "/home/u"))));
        assertEquals(Path.of("/x/y"), TpmSettings.stateDir(HsmConfig.of(Map.of(TpmSettings.STATE_DIR, "/x/y"))));
    }
}
