package io.provhsm.dice;

import io.provhsm.HsmConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A 32-byte secret (the UDS, the signer secret) kept in a file only its owner can access. Created once, atomically
 * (written to a temporary file, then hard-linked into place so that an existing secret is never replaced), and
 * refused when group or others have any access to it.
 */
final class SecretFile {
    static final int SIZE = 32;
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFile() {
    }

    /**
     * Reads the secret: 32 raw bytes, or 64 hex digits (surrounding whitespace allowed).
     *
     * @param what names the secret and its setting in messages, e.g. "UDS file (provhsm.dice.uds-file)"
     */
    static byte[] read(Path file, String what) {
        checkOwnerOnly(file, what);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new HsmConfigException(what + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new HsmConfigException(what + " " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new HsmConfigException(what + " " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        try {
            if (content.length == SIZE) {
                return content;
            }
            String text = new String(content, StandardCharsets.US_ASCII).strip();
            if (text.length() == 2 * SIZE) {
                try {
                    return HexFormat.of().parseHex(text);
                } catch (IllegalArgumentException e) {
                    // fall through to the length message: the content is neither form
                }
            }
            throw new HsmConfigException(what + " " + file + " holds " + content.length + " bytes; expected "
                    + SIZE + " raw bytes or " + 2 * SIZE + " hex digits");
        } finally {
            if (content.length != SIZE) {
                Arrays.fill(content, (byte) 0);
            }
        }
    }

    /** Reads the secret, creating the file (and owner-only parent directories) with random bytes if absent. */
    static byte[] readOrCreate(Path file, String what, SecureRandom random) {
        if (!Files.exists(file)) {
            create(file, what, random);
        }
        return read(file, what);
    }

    private static void create(Path file, String what, SecureRandom random) {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        byte[] secret = new byte[SIZE];
        Path temporary = null;
        try {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createDirectories(dir);
                temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            }
            random.nextBytes(secret);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(secret);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                // link() fails if the target exists: a secret created meanwhile by another process is kept
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException raced) {
                // the other process's secret wins; ours is discarded
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                try {
                    Files.move(temporary, file);
                } catch (FileAlreadyExistsException raced) {
                    // as above
                }
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw new HsmConfigException("cannot create " + what + " " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a leftover owner-only temporary file; the secret itself is complete or absent
                }
            }
        }
    }

    /** Makes the new directory entry durable (POSIX); best effort where directories cannot be opened. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on this platform: the file itself was forced
        }
    }

    private static void checkOwnerOnly(Path file, String what) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            throw new HsmConfigException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new HsmConfigException(what + " " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new HsmConfigException(what + " " + file + " is accessible by group or others ("
                    + PosixFilePermissions.toString(permissions) + "); a device secret must be owner-only: chmod 600 " + file);
        }
    }
}
