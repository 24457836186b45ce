package io.provhsm.cli;

import io.provhsm.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads a file named on the command line: the one way commands do. Every failure is an {@link InvalidInputException}
 * (exit 2) naming the source (option and file) and what is wrong, never the content.
 */
final class InputFiles {
    /** Larger inputs are not what a certificate, a key, a signature or an activation blob needs: refuse rather than fill memory. */
    static final long MAX_BYTES = 16 * 1024 * 1024;

    private InputFiles() {
    }

    /** The file's bytes; {@code source} names it in messages, e.g. "--trust-cert dps.pem". */
    static byte[] read(Path file, String source, long maxBytes) {
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException(source + " is a directory");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InvalidInputException(source + " is " + size + " bytes; at most " + maxBytes);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(source, e);
        }
    }

    /** The file as UTF-8 text, at most {@link #MAX_BYTES}. */
    static String readString(Path file, String source) {
        return new String(read(file, source, MAX_BYTES), StandardCharsets.UTF_8);
    }

    /**
     * The bytes of a file holding a secret; refused when group or others may read or write it, since a key file
     * must be owner-only. The caller wipes the bytes.
     */
    static byte[] readOwnerOnly(Path file, String source, long maxBytes) {
        try {
            Set<PosixFilePermission> exposed = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            exposed.retainAll(Files.getPosixFilePermissions(file));
            if (!exposed.isEmpty()) {
                throw new InvalidInputException(source + " is accessible to group or others (" + exposed
                        + "); make it owner-only (chmod 600)");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: no permissions to check
        } catch (IOException e) {
            throw unreadable(source, e);
        }
        return read(file, source, maxBytes);
    }

    private static InvalidInputException unreadable(String source, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidInputException(source + " does not exist");
        }
        if (e instanceof AccessDeniedException) {
            return new InvalidInputException(source + " cannot be read: permission denied");
        }
        // the message of an IOException names the file and the OS reason, never the content
        return new InvalidInputException(source + " cannot be read: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
}
