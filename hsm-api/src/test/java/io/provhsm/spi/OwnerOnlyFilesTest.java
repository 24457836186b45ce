package io.provhsm.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {
    @TempDir
    Path temp;

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void writeCreatesOwnerOnlyDirectoriesAndFileAndLeavesNoTemporary() throws IOException {
        Path file = temp.resolve("a/b/secret");
        assertTrue(OwnerOnlyFiles.write(file, new byte[] {1, 2, 3}, OwnerOnlyFiles.IfExists.KEEP));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals("rw-------", permissions(file));
        assertEquals("rwx------", permissions(temp.resolve("a")));
        assertEquals("rwx------", permissions(temp.resolve("a/b")));
        assertEquals(List.of(file), entries(file.getParent()));
    }

    @Test
    void keepNeverReplacesAnExistingFile() throws IOException {
        Path file = temp.resolve("secret");
        assertTrue(OwnerOnlyFiles.write(file, new byte[] {1}, OwnerOnlyFiles.IfExists.KEEP));
        assertFalse(OwnerOnlyFiles.write(file, new byte[] {2}, OwnerOnlyFiles.IfExists.KEEP));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(file));
        assertEquals(List.of(file), entries(temp));
    }

    @Test
    void replaceSwapsTheContentWhole() throws IOException {
        Path file = temp.resolve("journal");
        OwnerOnlyFiles.write(file, new byte[] {1}, OwnerOnlyFiles.IfExists.REPLACE);
        assertTrue(OwnerOnlyFiles.write(file, new byte[] {2, 2}, OwnerOnlyFiles.IfExists.REPLACE));
        assertArrayEquals(new byte[] {2, 2}, Files.readAllBytes(file));
        assertEquals("rw-------", permissions(file));
        assertEquals(List.of(file), entries(temp));
    }

    @Test
    void anExistingDirectoryKeepsItsPermissions() throws IOException {
        Path dir = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        OwnerOnlyFiles.write(dir.resolve("f"), new byte[] {1}, OwnerOnlyFiles.IfExists.KEEP);
        assertEquals("rwxr-x---", permissions(dir));
        assertEquals("rw-------", permissions(dir.resolve("f")));
    }

    @Test
    void requireOwnerOnlyRefusesGroupOrOthersAccessNamingFileAndFix() throws IOException {
        Path file = Files.writeString(temp.resolve("key"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        OwnerOnlyFiles.requireOwnerOnly(file, "the key file");
        for (String loose : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw------x"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(loose));
            HsmConfigException e = assertThrows(HsmConfigException.class, () -> OwnerOnlyFiles.requireOwnerOnly(file, "the key file"));
            assertEquals("the key file " + file + " is accessible by group or others (" + loose
                    + "); a secret must be owner-only: chmod 600 " + file, e.getMessage());
        }
        HsmConfigException missing = assertThrows(HsmConfigException.class,
                () -> OwnerOnlyFiles.requireOwnerOnly(temp.resolve("none"), "the key file"));
        assertEquals("the key file " + temp.resolve("none") + " does not exist", missing.getMessage());
    }
}
