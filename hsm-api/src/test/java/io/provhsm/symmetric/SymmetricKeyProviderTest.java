package io.provhsm.symmetric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymmetricKeyProviderTest {
    private static final byte[] DEVICE_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String DEVICE_KEY_B64 = Base64.getEncoder().encodeToString(DEVICE_KEY);
    private static final String GROUP_KEY_B64 = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpams=";
    private final SymmetricKeyProvider provider = new SymmetricKeyProvider();

    @TempDir
    Path temp;

    private static byte[] jceHmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private SymmetricKeyHsm open(Map<String, String> settings) {
        return assertInstanceOf(SymmetricKeyHsm.class, provider.open(Mechanism.SYMMETRIC_KEY, HsmConfig.of(settings)));
    }

    @Test
    void unconfiguredItIsUnavailableAndSaysWhatToSet() {
        Availability availability = provider.availability(HsmConfig.of(Map.of()));
        assertFalse(availability.available());
        assertTrue(availability.reason().contains("provhsm.symmetric-key.key (environment PROVHSM_SYMMETRIC_KEY_KEY"),
                availability.reason());
        assertTrue(availability.reason().contains("provhsm.symmetric-key.registration-id"), availability.reason());

        Availability noId = provider.availability(HsmConfig.of(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64)));
        assertEquals(Availability.unavailable("provhsm.symmetric-key.registration-id is not set (environment "
                + "PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID)"), noId);
    }

    @Test
    void configuredFromTheEnvironmentItIsAvailableWithoutShowingTheKey() {
        HsmConfig config = HsmConfig.from(Map.of(), new Properties(), Map.of("PROVHSM_SYMMETRIC_KEY_KEY", DEVICE_KEY_B64,
                "PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID", "device-1"));
        Availability availability = provider.availability(config);
        assertTrue(availability.available());
        assertEquals("device key from provhsm.symmetric-key.key (environment PROVHSM_SYMMETRIC_KEY_KEY)", availability.reason());
        try (SymmetricKeyHsm hsm = (SymmetricKeyHsm) provider.open(Mechanism.SYMMETRIC_KEY, config)) {
            assertEquals("device-1", hsm.registrationId());
            assertFalse(hsm.toString().contains(DEVICE_KEY_B64.substring(0, 8)), hsm.toString());
        }
    }

    @Test
    void signsWithTheDeviceKey() throws Exception {
        try (SymmetricKeyHsm hsm = open(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64, SymmetricKeyProvider.REGISTRATION_ID, "device-1"))) {
            byte[] data = "0ne00000A0A/registrations/device-1\n1700000000".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(jceHmac(DEVICE_KEY, data), hsm.sign(data));
            assertEquals(Mechanism.SYMMETRIC_KEY, hsm.mechanism());
        }
    }

    @Test
    void derivesTheDeviceKeyFromAGroupKey() throws Exception {
        Map<String, String> settings = Map.of(SymmetricKeyProvider.GROUP_KEY, GROUP_KEY_B64,
                SymmetricKeyProvider.REGISTRATION_ID, "device-001");
        assertEquals("device key derived from the group key in provhsm.symmetric-key.group-key (configuration)",
                provider.availability(HsmConfig.of(settings)).reason());
        try (SymmetricKeyHsm hsm = open(settings)) {
            // device key computed with Python's hmac: base64(HMAC-SHA256(group key, "device-001"))
            byte[] deviceKey = Base64.getDecoder().decode("Qsrf4Z8xC9Y6rbNDRXrMvcr5x3WtJzTOyecslPQoQ34=");
            assertArrayEquals(jceHmac(deviceKey, new byte[] {1, 2, 3}), hsm.sign(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void readsTheKeyFromAnOwnerOnlyFile() throws Exception {
        Path file = temp.resolve("device.key");
        Files.writeString(file, DEVICE_KEY_B64 + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (SymmetricKeyHsm hsm = open(Map.of(SymmetricKeyProvider.KEY_FILE, file.toString(),
                SymmetricKeyProvider.REGISTRATION_ID, "device-1"))) {
            assertArrayEquals(jceHmac(DEVICE_KEY, new byte[0]), hsm.sign(new byte[0]));
        }
    }

    @Test
    void aKeyFileGroupOrOthersCanAccessIsRefusedNamingTheFileAndTheFix() throws Exception {
        Path file = temp.resolve("device.key");
        Files.writeString(file, DEVICE_KEY_B64);
        for (String loose : new String[] {"rw-r--r--", "rw-r-----", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(loose));
            HsmConfigException e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY_FILE,
                    file.toString(), SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
            assertEquals("provhsm.symmetric-key.key-file (configuration) file " + file + " is accessible by group or others ("
                    + loose + "); a secret must be owner-only: chmod 600 " + file, e.getMessage());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        open(Map.of(SymmetricKeyProvider.KEY_FILE, file.toString(), SymmetricKeyProvider.REGISTRATION_ID, "device-1")).close();
    }

    @Test
    void aKeyFileThatCannotBeReadIsAConfigurationErrorNamingTheFile() {
        Path missing = temp.resolve("missing.key");
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY_FILE,
                missing.toString(), SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
        assertEquals("provhsm.symmetric-key.key-file (configuration) file " + missing + " does not exist", e.getMessage());

        e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY_FILE, temp.toString(),
                SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
        assertTrue(e.getMessage().startsWith("provhsm.symmetric-key.key-file (configuration) file " + temp + " cannot be read"),
                e.getMessage());
    }

    @Test
    void malformedSettingsAreConfigurationErrorsThatNeverEchoTheKey() throws Exception {
        String notBase64 = DEVICE_KEY_B64.substring(0, 20) + "*" + DEVICE_KEY_B64.substring(21);
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY, notBase64,
                SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
        assertEquals("provhsm.symmetric-key.key (configuration) is not base64 (44 characters)", e.getMessage());

        Path file = temp.resolve("short.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[8]));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY_FILE, file.toString(),
                SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
        assertTrue(e.getMessage().endsWith("short.key is 8 bytes; a key must be 16 to 64 bytes"), e.getMessage());

        e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64,
                SymmetricKeyProvider.REGISTRATION_ID, "Device 1")));
        assertTrue(e.getMessage().startsWith("provhsm.symmetric-key.registration-id (configuration): registration id 'Device 1'"),
                e.getMessage());

        e = assertThrows(HsmConfigException.class, () -> open(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64,
                SymmetricKeyProvider.GROUP_KEY, GROUP_KEY_B64, SymmetricKeyProvider.REGISTRATION_ID, "device-1")));
        assertTrue(e.getMessage().contains("several are set"), e.getMessage());
        assertFalse(e.getMessage().contains(DEVICE_KEY_B64) || e.getMessage().contains(GROUP_KEY_B64), e.getMessage());

        assertThrows(HsmConfigException.class, () -> provider.open(Mechanism.TPM, HsmConfig.of(Map.of())));
    }

    @Test
    void setKeyInfoReplacesIdAndKeyOrChangesNothing() throws Exception {
        byte[] newKey = new byte[48];
        newKey[47] = 9;
        try (SymmetricKeyHsm hsm = open(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64, SymmetricKeyProvider.REGISTRATION_ID, "device-1"))) {
            byte[] data = {42};
            assertThrows(InvalidInputException.class, () -> hsm.setKeyInfo("Bad Id", Base64.getEncoder().encodeToString(newKey).toCharArray()));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> hsm.setKeyInfo("device-2", "!!!!".toCharArray()));
            assertEquals("device key is not base64 (4 characters)", e.getMessage());
            assertEquals("device-1", hsm.registrationId());
            assertArrayEquals(jceHmac(DEVICE_KEY, data), hsm.sign(data));

            hsm.setKeyInfo("device-2", Base64.getEncoder().encodeToString(newKey).toCharArray());
            assertEquals("device-2", hsm.registrationId());
            assertArrayEquals(jceHmac(newKey, data), hsm.sign(data));
        }
    }

    @Test
    void closeWipesTheKeyAndEndsTheSession() {
        byte[] key = DEVICE_KEY.clone();
        SymmetricKeySession session = new SymmetricKeySession("device-1", key);
        session.sign(new byte[1]);
        session.close();
        assertArrayEquals(new byte[DEVICE_KEY.length], key, "key material wiped");
        assertThrows(IllegalStateException.class, () -> session.sign(new byte[1]));
        assertThrows(IllegalStateException.class, session::registrationId);
        assertThrows(IllegalStateException.class, () -> session.setKeyInfo("device-2", DEVICE_KEY_B64.toCharArray()));
        session.close(); // idempotent
    }

    @Test
    void concurrentSignersAllGetCorrectSignatures() throws Exception {
        try (SymmetricKeyHsm hsm = open(Map.of(SymmetricKeyProvider.KEY, DEVICE_KEY_B64, SymmetricKeyProvider.REGISTRATION_ID, "device-1"))) {
            byte[] expected = jceHmac(DEVICE_KEY, new byte[] {7});
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        if (!java.util.Arrays.equals(expected, hsm.sign(new byte[] {7}))) {
                            wrong.incrementAndGet();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(0, wrong.get());
        }
    }
}
