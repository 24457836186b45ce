package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way `sign` and `tpm activate` read their input: text or file, errors naming option and file. */
class InputOptionTest {
    @TempDir
    Path temp;

    private static TpmCommand.Activate.Blob blobFile(Path file) {
        TpmCommand.Activate.Blob blob = new TpmCommand.Activate.Blob();
        blob.file = file;
        return blob;
    }

    private static SignCommand.Data dataFile(Path file) {
        SignCommand.Data data = new SignCommand.Data();
        data.file = file;
        return data;
    }

    @Test
    void blobFilesAreBinaryOrBase64AndDataFilesAreRaw() throws IOException {
        byte[] binary = {0x00, 0x44, (byte) 0xff, 'A'};
        Path raw = Files.write(temp.resolve("blob.bin"), binary);
        Path text = Files.writeString(temp.resolve("blob.b64"), Base64.getMimeEncoder().encodeToString(binary) + "\n");
        assertArrayEquals(binary, blobFile(raw).bytes());
        assertArrayEquals(binary, blobFile(text).bytes());
        assertArrayEquals(Files.readAllBytes(text), dataFile(text).bytes());

        TpmCommand.Activate.Blob inline = new TpmCommand.Activate.Blob();
        inline.base64 = Base64.getEncoder().encodeToString(binary);
        assertArrayEquals(binary, inline.bytes());
        SignCommand.Data hex = new SignCommand.Data();
        hex.hex = " 0044FF41 ";
        assertArrayEquals(binary, hex.bytes());
    }

    @Test
    void errorsNameTheOptionAndTheFile() {
        Path missing = temp.resolve("missing");
        assertEquals("--blob-file " + missing + " does not exist",
                assertThrows(InvalidInputException.class, () -> blobFile(missing).bytes()).getMessage());
        assertEquals("--data-file " + temp + " is a directory",
                assertThrows(InvalidInputException.class, () -> dataFile(temp).bytes()).getMessage());
    }

    private static String blobError(String text) {
        TpmCommand.Activate.Blob blob = new TpmCommand.Activate.Blob();
        blob.base64 = text;
        return assertThrows(InvalidInputException.class, blob::bytes).getMessage();
    }

    @Test
    void base64OutsideTheStandardAlphabetIsRefusedNotSkipped() {
        // The MIME decoder would drop these characters and hand on an empty or shortened blob.
        assertEquals("--blob is not base64 (2 characters; the standard alphabet A-Z a-z 0-9 + / with = padding)",
                blobError("!!"));
        assertEquals("--blob is not base64 (4 characters; the standard alphabet A-Z a-z 0-9 + / with = padding)",
                blobError("AB-_"), "the URL-safe alphabet is not what the service sends");
        assertEquals("--blob is not base64 (5 characters; the standard alphabet A-Z a-z 0-9 + / with = padding)",
                blobError("AAAA!"));
        String secretLooking = "c2VjcmV0!";
        assertFalse(blobError(secretLooking).contains(secretLooking), "the text is not echoed");
        // Whitespace alone is removed: a wrapped blob still decodes.
        TpmCommand.Activate.Blob wrapped = new TpmCommand.Activate.Blob();
        wrapped.base64 = " AP8A\n/w==\r\n";
        assertArrayEquals(new byte[] {0x00, (byte) 0xff, 0x00, (byte) 0xff}, wrapped.bytes());
    }

    @Test
    void aNonBase64BlobIsAUsageErrorBeforeAnyTpmIsOpened() {
        StringWriter err = new StringWriter();
        int code = Provhsm.execute(new String[] {"tpm", "activate", "--blob", "!!", "--provider", "no-such-tpm"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(ExitCode.USAGE, code, err::toString);
        assertTrue(err.toString().strip().startsWith("provhsm: --blob is not base64 ("), err::toString);
    }

    @Test
    void aMissingBlobFileIsAUsageErrorBeforeAnyTpmIsOpened() {
        StringWriter err = new StringWriter();
        Path missing = temp.resolve("missing.bin");
        int code = Provhsm.execute(new String[] {"tpm", "activate", "--blob-file", missing.toString(), "--provider", "no-such-tpm"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(ExitCode.USAGE, code, err::toString);
        assertEquals("provhsm: --blob-file " + missing + " does not exist", err.toString().strip());
    }
}
