package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open-dice identity persists: one UDS per data directory, created once, owner-only, never replaced. */
class PersistenceTest {
    private static final String FIRMWARE_A = "aa".repeat(64);
    private static final String FIRMWARE_B = "bb".repeat(64);

    @TempDir
    Path dir;

    @Test
    void firstUseCreatesOwnerOnlySecretsAndTheNextSessionHasTheSameIdentity() throws Exception {
        Path data = dir.resolve("fresh").resolve("provhsm");
        String first;
        try (DiceX509Hsm hsm = DiceSessions.open(data)) {
            first = PrintIdentityMain.describe(hsm);
        }
        Path uds = data.resolve(DiceSettings.UDS_FILE_NAME);
        assertEquals(32, Files.size(uds));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uds)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(DiceSettings.SIGNER_FILE_NAME))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(Set.of(DiceSettings.UDS_FILE_NAME, DiceSettings.SIGNER_FILE_NAME),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()), "no temporary files left");
        }
        byte[] secret = Files.readAllBytes(uds);
        try (DiceX509Hsm hsm = DiceSessions.open(data)) {
            assertEquals(first, PrintIdentityMain.describe(hsm));
        }
        assertArrayEquals(secret, Files.readAllBytes(uds), "the UDS is never replaced");
        // and it is the UDS: the same identity from the value itself
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("other"), DiceSettings.UDS, HexFormat.of().formatHex(secret),
                DiceSettings.SIGNER_SECRET, HexFormat.of().formatHex(Files.readAllBytes(data.resolve(DiceSettings.SIGNER_FILE_NAME))))) {
            assertEquals(first, PrintIdentityMain.describe(hsm));
        }
    }

    @Test
    void changingTheFirmwareChangesTheAliasKeyAndLeafButNotTheDeviceId() throws Exception {
        Path data = dir.resolve("data");
        try (DiceX509Hsm a = DiceSessions.open(data, DiceSettings.CODE_HASH, FIRMWARE_A);
             DiceX509Hsm b = DiceSessions.open(data, DiceSettings.CODE_HASH, FIRMWARE_B)) {
            assertEquals(a.registrationId(), b.registrationId());
            assertEquals(a.certificateChain().get(1), b.certificateChain().get(1), "DeviceID certificate");
            assertNotEquals(a.certificateChain().get(0).getPublicKey(), b.certificateChain().get(0).getPublicKey(), "alias key");
            assertNotEquals(a.certificateChain().get(0), b.certificateChain().get(0), "leaf certificate");
            assertNotEquals(a.diceLayerCertificate().orElseThrow(), b.diceLayerCertificate().orElseThrow());
        }
    }

    @Test
    void firmwareFileIsMeasuredBySha512() throws Exception {
        Path firmware = Files.write(dir.resolve("firmware.bin"), "firmware image v1".getBytes(StandardCharsets.US_ASCII));
        String sha512 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(firmware)));
        Path data = dir.resolve("data");
        try (DiceX509Hsm fromFile = DiceSessions.open(data, DiceSettings.FIRMWARE_FILE, firmware.toString());
             DiceX509Hsm fromHash = DiceSessions.open(data, DiceSettings.CODE_HASH, sha512);
             DiceX509Hsm zero = DiceSessions.open(data)) {
            assertEquals(fromHash.certificateChain(), fromFile.certificateChain());
            assertNotEquals(zero.certificateChain().get(0), fromFile.certificateChain().get(0));
        }
    }

    @Test
    void aSeparateJvmDerivesTheSameIdentityFromTheSameUdsAndFirmware() throws Exception {
        Path data = dir.resolve("data");
        String here;
        try (DiceX509Hsm hsm = DiceSessions.open(data, DiceSettings.CODE_HASH, FIRMWARE_A)) {
            here = PrintIdentityMain.describe(hsm);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                PrintIdentityMain.class.getName(), data.toString(), FIRMWARE_A).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String there = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertEquals(here, there);
    }

    @Test
    void concurrentFirstUseAgreesOnOneUds() throws Exception {
        Path data = dir.resolve("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<String> open = () -> {
                try (DiceX509Hsm hsm = DiceSessions.open(data)) {
                    return PrintIdentityMain.describe(hsm);
                }
            };
            List<Future<String>> results = pool.invokeAll(List.of(open, open, open, open));
            String first = results.get(0).get();
            for (Future<String> result : results) {
                assertEquals(first, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aUdsFileGivenAsHexOrRawBytesIsUsed() throws Exception {
        byte[] uds = new byte[32];
        new java.security.SecureRandom().nextBytes(uds);
        Path raw = Files.write(dir.resolve("uds.bin"), uds);
        Path hex = Files.writeString(dir.resolve("uds.hex"), HexFormat.of().formatHex(uds) + "\n");
        for (Path file : List.of(raw, hex)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Path data = dir.resolve("data");
        try (DiceX509Hsm a = DiceSessions.open(data, DiceSettings.UDS_FILE, raw.toString());
             DiceX509Hsm b = DiceSessions.open(data, DiceSettings.UDS_FILE, hex.toString());
             DiceX509Hsm c = DiceSessions.open(data, DiceSettings.UDS, HexFormat.of().formatHex(uds))) {
            assertEquals(a.certificateChain(), b.certificateChain());
            assertEquals(a.certificateChain(), c.certificateChain());
        }
        assertTrue(Files.notExists(data.resolve(DiceSettings.UDS_FILE_NAME)), "a given UDS creates no default file");
    }
}
