package io.provhsm.tpm;

import io.provhsm.HsmException;
import io.provhsm.spi.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write-ahead record of an identity replacement: the new key's public area (TPMT_PUBLIC) and its private
 * part wrapped under the SRK (TPM2B_PRIVATE contents), written before the old key at 0x81000100 is evicted and
 * deleted once the new one is persisted there. A crash in between leaves the journal, from which the next
 * session loads and persists the new key (see {@link TpmDeviceHsm}).
 *
 * <p>File layout: magic {@code PHIDJ001}, u16 length + public area, u16 length + private, SHA-256 of all the
 * preceding bytes (a torn or altered file is detected, not half-used). Written owner-only and atomically
 * ({@link OwnerOnlyFiles#write}: a temporary file fsynced and renamed over the journal, the directory fsynced).
 *
 * <p>Replacements and recoveries run under {@link #lock()}: a lock file locked by the OS (released if the
 * process dies), plus an in-process lock, so a second session on the same TPM (another process, or a copy of
 * the same simulator state) never mistakes a replacement in progress for an interrupted one.
 */
final class IdentityJournal {
    static final String FILE_NAME = "identity-replacement.journal";
    private static final String LOCK_FILE_NAME = "identity.lock";
    private static final byte[] MAGIC = "PHIDJ001".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_LENGTH = 32;
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path file;

    /** A journal kept in {@code dir} (created owner-only when first written). */
    IdentityJournal(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.file = this.dir.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    Path dir() {
        return dir;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** The journaled key. */
    record Entry(byte[] publicArea, byte[] privatePart) {
        void wipe() {
            Arrays.fill(privatePart, (byte) 0);
        }
    }

    /** Writes (or atomically replaces) the journal; when this returns the journal is on disk. */
    void write(byte[] publicArea, byte[] privatePart) {
        byte[] content = encode(publicArea, privatePart);
        try {
            createOwnerOnlyDirectory();
            OwnerOnlyFiles.write(file, content, OwnerOnlyFiles.IfExists.REPLACE);
        } catch (IOException e) {
            throw new HsmException("cannot write the identity replacement journal " + file + ": " + describe(e)
                    + "; without it the identity at 0x81000100 is not replaced. Nothing was changed.", e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Reads and checks the journal; a file that is torn, altered or not a journal is an error naming it. */
    Entry read() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw corrupt("cannot be read: " + describe(e), e);
        }
        try {
            if (content.length < MAGIC.length + 2 + 2 + DIGEST_LENGTH) {
                throw corrupt("is " + content.length + " bytes long, shorter than any journal", null);
            }
            if (!Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw corrupt("does not start with the journal magic " + new String(MAGIC, StandardCharsets.US_ASCII), null);
            }
            int end = content.length - DIGEST_LENGTH;
            byte[] digest = sha256(content, end);
            if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(content, end, content.length))) {
                throw corrupt("fails its SHA-256 check (torn or altered)", null);
            }
            ByteBuffer body = ByteBuffer.wrap(content, MAGIC.length, end - MAGIC.length);
            byte[] publicArea = sized(body, "public area");
            byte[] privatePart = sized(body, "private part");
            if (body.hasRemaining()) {
                throw corrupt("has " + body.remaining() + " unexpected bytes after the private part", null);
            }
            return new Entry(publicArea, privatePart);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Removes the journal (the replacement is complete); durable when this returns. */
    void delete() {
        try {
            Files.deleteIfExists(file);
            OwnerOnlyFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new HsmException("cannot delete the identity replacement journal " + file + ": " + describe(e), e);
        }
    }

    /** Takes the replacement lock (in this process and across processes); blocks while another holder runs. */
    Lock lock() {
        ReentrantLock local = IN_PROCESS_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            createOwnerOnlyDirectory();
            Path lockFile = dir.resolve(LOCK_FILE_NAME);
            channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    ownerOnly("rw-------"));
            FileLock fileLock = channel.lock();
            return new Lock(local, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            if (e instanceof HsmException hsm) {
                throw hsm;
            }
            throw new HsmException("cannot lock the TPM state directory " + dir + " (" + LOCK_FILE_NAME + "): "
                    + (e instanceof IOException io ? describe(io) : e.toString()), e);
        }
    }

    /** Held while the identity at 0x81000100 is replaced or recovered. */
    static final class Lock implements AutoCloseable {
        private final ReentrantLock local;
        private final FileChannel channel;
        private final FileLock fileLock;

        private Lock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
            this.local = local;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void close() {
            try {
                fileLock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            } finally {
                closeQuietly(channel);
                local.unlock();
            }
        }
    }

    private static byte[] encode(byte[] publicArea, byte[] privatePart) {
        if (publicArea.length > 0xffff || privatePart.length > 0xffff) {
            throw new IllegalArgumentException("journal fields are at most 65535 bytes");
        }
        int end = MAGIC.length + 2 + publicArea.length + 2 + privatePart.length;
        ByteBuffer out = ByteBuffer.allocate(end + DIGEST_LENGTH);
        out.put(MAGIC).putShort((short) publicArea.length).put(publicArea).putShort((short) privatePart.length).put(privatePart);
        out.put(sha256(out.array(), end));
        return out.array();
    }

    private byte[] sized(ByteBuffer body, String field) {
        if (body.remaining() < 2) {
            throw corrupt("ends before the size of its " + field, null);
        }
        int size = body.getShort() & 0xffff;
        if (size == 0 || size > body.remaining()) {
            throw corrupt(field + " size " + size + " does not fit the " + body.remaining() + " bytes left", null);
        }
        byte[] value = new byte[size];
        body.get(value);
        return value;
    }

    private HsmException corrupt(String why, Throwable cause) {
        return new HsmException("the identity replacement journal " + file + " " + why + ". Nothing was evicted;"
                + " 0x81000100 is as the interrupted replacement left it (tpm2_readpublic -c 0x81000100 shows it)."
                + " Remove the file to use the TPM as it is, or to activate a new identity.", cause);
    }

    private void createOwnerOnlyDirectory() throws IOException {
        OwnerOnlyFiles.createDirectories(dir);
        // also an existing one: the journal holds a wrapped key and the lock must not be taken by others
        if (posix()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private boolean posix() {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private FileAttribute<?>[] ownerOnly(String permissions) {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(data, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory " + e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }
}
