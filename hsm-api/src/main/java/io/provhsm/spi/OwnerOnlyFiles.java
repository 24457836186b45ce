package io.provhsm.spi;

import io.provhsm.HsmConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets or identity state, for providers: created owner-only (POSIX {@code 0600}, directories
 * {@code 0700}), written whole or not at all (a temporary file in the same directory, fsynced, then renamed or
 * linked into place, then the directory fsynced), and refused when group or others can access them. On file
 * systems without POSIX permissions (Windows) the permission parts do nothing: the user profile's ACLs apply.
 */
public final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** What {@link #write} does when the file already exists. */
    public enum IfExists {
        /** Atomically replace it (readers see the old or the new content, never a mix). */
        REPLACE,
        /** Keep it: a file created meanwhile by another process wins; {@link #write} returns false. */
        KEEP
    }

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} and its missing parents, the new ones owner-only; existing ones are left as they are. */
    public static void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, ownerOnly(dir.toAbsolutePath().getFileSystem().supportedFileAttributeViews()
                    .contains("posix"), "rwx------"));
        }
    }

    /**
     * Writes {@code content} to {@code file} (its directory created owner-only if missing): durable and whole when
     * this returns. The caller wipes {@code content}.
     *
     * @return false if {@code ifExists} is {@link IfExists#KEEP} and the file existed (nothing was changed)
     */
    public static boolean write(Path file, byte[] content, IfExists ifExists) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly(posix, "rw-------"));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            boolean written = ifExists == IfExists.REPLACE ? replace(temporary, file) : createIfAbsent(temporary, file);
            syncDirectory(dir);
            return written;
        } finally {
            // after a link or a lost race the temporary name is still there; after a rename it is gone
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // an owner-only leftover; the file itself is complete or absent
            }
        }
    }

    private static boolean replace(Path temporary, Path file) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return true;
    }

    private static boolean createIfAbsent(Path temporary, Path file) throws IOException {
        try {
            // link() fails if the target exists, so an existing file is never replaced, even by a racing process
            Files.createLink(file, temporary);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            try {
                Files.move(temporary, file);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    /** Makes new, renamed or deleted entries of {@code dir} durable; best effort where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories (NTFS journals renames itself); elsewhere the file was forced
        }
    }

    /**
     * Refuses a secret file that group or others can access, or that does not exist.
     *
     * @param what names the file and its setting in messages, e.g. "provhsm.symmetric-key.key-file (configuration) file";
     *             the message is {@code what + " " + file + ...}
     * @throws HsmConfigException naming the file, its permissions and the fix ({@code chmod 600})
     */
    public static void requireOwnerOnly(Path file, String what) {
        if (!Files.exists(file)) {
            throw new HsmConfigException(what + " " + file + " does not exist");
        }
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
                    + PosixFilePermissions.toString(permissions) + "); a secret must be owner-only: chmod 600 " + file);
        }
    }

    private static FileAttribute<?>[] ownerOnly(boolean posix, String permissions) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
