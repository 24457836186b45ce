package io.provhsm.dice;

import io.provhsm.HsmConfigException;
import io.provhsm.spi.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte secret (the UDS, the signer secret) kept in a file only its owner can access. Created once, atomically
 * (written to a temporary file, then hard-linked into place so that an existing secret is never replaced), and
 * refused when group or others have any access to it.
 */
final class SecretFile {
    static final int SIZE = 32;

    private SecretFile() {
    }

    /**
     * Reads the secret: 32 raw bytes, or 64 hex digits (surrounding whitespace allowed).
     *
     * @param what names the secret and its setting in messages, e.g. "UDS file (provhsm.dice.uds-file)"
     */
    static byte[] read(Path file, String what) {
        OwnerOnlyFiles.requireOwnerOnly(file, what);
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
        byte[] secret = new byte[SIZE];
        try {
            random.nextBytes(secret);
            // a secret created meanwhile by another process is kept; ours is discarded
            OwnerOnlyFiles.write(file, secret, OwnerOnlyFiles.IfExists.KEEP);
        } catch (IOException e) {
            throw new HsmConfigException("cannot create " + what + " " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
