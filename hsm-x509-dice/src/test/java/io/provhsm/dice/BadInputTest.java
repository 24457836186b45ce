package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad input gives one HsmConfigException naming the input, shows no secret, and writes nothing. */
class BadInputTest {
    private static final String UDS_31_BYTES = "5a".repeat(31);
    private static final String SECRET_LOOKING = "c0ffee".repeat(10) + "zz11";

    @TempDir
    Path dir;

    private String refused(String... keyValues) {
        Path data = dir.resolve("data");
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> DiceSessions.open(data, keyValues).close());
        assertFalse(Files.exists(data), "nothing may be written for a bad input: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + message + "' should mention '" + part + "'");
        }
    }

    @Test
    void udsOfTheWrongLength() {
        String message = refused(DiceSettings.UDS, UDS_31_BYTES);
        assertMentions(message, "provhsm.dice.uds", "32", "31");
        assertFalse(message.contains(UDS_31_BYTES));
    }

    @Test
    void udsThatIsNotHex() {
        String message = refused(DiceSettings.UDS, SECRET_LOOKING);
        assertMentions(message, "provhsm.dice.uds", "not hex");
        assertFalse(message.contains("c0ffee"), "the value is never shown");
    }

    @Test
    void udsFileReadableByOthersIsRefusedAndLeftAlone() throws Exception {
        byte[] content = new byte[32];
        Path file = Files.write(dir.resolve("uds.bin"), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String message = refused(DiceSettings.UDS_FILE, file.toString());
        assertMentions(message, file.toString(), "group or others", "rw-r--r--", "provhsm.dice.uds-file");
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals("rw-r--r--"), "permissions untouched");
    }

    @Test
    void udsFileThatCannotBeRead() throws Exception {
        Path notAFile = Files.createDirectory(dir.resolve("uds-dir"));
        Files.setPosixFilePermissions(notAFile, PosixFilePermissions.fromString("rwx------"));
        assertMentions(refused(DiceSettings.UDS_FILE, notAFile.toString()), notAFile.toString(), "cannot be read");
        assertMentions(refused(DiceSettings.UDS_FILE, dir.resolve("missing").toString()), "missing", "does not exist");
    }

    @Test
    void udsFileOfTheWrongSize() throws Exception {
        Path file = Files.write(dir.resolve("uds.bin"), new byte[33]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertMentions(refused(DiceSettings.UDS_FILE, file.toString()), file.toString(), "33 bytes", "32");
    }

    @Test
    void tooOpenDefaultUdsFileIsRefusedBeforeAnyOtherFileIsCreated() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path uds = Files.write(data.resolve(DiceSettings.UDS_FILE_NAME), new byte[32]);
        Files.setPosixFilePermissions(uds, PosixFilePermissions.fromString("rw-rw----"));
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> DiceSessions.open(data).close());
        assertMentions(e.getMessage(), uds.toString(), "group or others");
        assertFalse(Files.exists(data.resolve(DiceSettings.SIGNER_FILE_NAME)));
    }

    @Test
    void dataDirectoryThatIsAFile() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("data-file"), "x");
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> DiceSessions.open(notADirectory).close());
        assertMentions(e.getMessage(), "provhsm.dice.data-dir", "cannot create");
        assertTrue(Files.isRegularFile(notADirectory));
    }

    @Test
    void measurementOfTheWrongLength() {
        assertMentions(refused(DiceSettings.PROFILE, "riot", DiceSettings.MEASUREMENT, "00".repeat(33)),
                "provhsm.dice.measurement", "32", "33");
        assertMentions(refused(DiceSettings.PROFILE, "riot-fixed", DiceSettings.FWID, "00".repeat(2)), "provhsm.dice.fwid", "2");
        assertMentions(refused(DiceSettings.PROFILE, "riot", DiceSettings.UDS, "xyz"), "provhsm.dice.uds", "not hex");
    }

    @Test
    void unknownProfile() {
        assertMentions(refused(DiceSettings.PROFILE, "tcg-dice"), "provhsm.dice.profile", "tcg-dice", "open-dice", "riot", "riot-fixed");
    }

    @Test
    void badFirmwareInputs() {
        assertMentions(refused(DiceSettings.CODE_HASH, "00".repeat(32)), "provhsm.dice.code-hash", "64", "32");
        assertMentions(refused(DiceSettings.FIRMWARE_FILE, dir.resolve("nope.bin").toString()), "provhsm.dice.firmware-file", "nope.bin");
        assertMentions(refused(DiceSettings.MODE, "turbo"), "provhsm.dice.mode", "turbo");
        assertMentions(refused(DiceSettings.UDS, "00".repeat(32), DiceSettings.UDS_FILE, "/x"), "provhsm.dice.uds", "provhsm.dice.uds-file");
    }

    @Test
    void badSignerInputs() throws Exception {
        assertMentions(refused(DiceSettings.SIGNER_SECRET, "00".repeat(8)), "provhsm.dice.signer-secret", "16", "8");
        Path notAKey = Files.writeString(dir.resolve("signer.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertMentions(refused(DiceSettings.SIGNER_KEY_FILE, notAKey.toString()), "provhsm.dice.signer-key-file", "no PRIVATE KEY");
        Path p12 = Files.write(dir.resolve("signer.p12"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x03});
        assertMentions(refused(DiceSettings.SIGNER_KEY_FILE, p12.toString()), "provhsm.dice.signer-key-file", "PKCS#12");
    }
}
