package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file on its own: layout, owner-only and atomic writes, every kind of damage named, the lock. */
class IdentityJournalTest {
    @TempDir
    Path temp;

    private final byte[] publicArea = bytes(90, 1);
    private final byte[] privatePart = bytes(126, 7);

    @Test
    void whatIsWrittenIsReadBackOwnerOnlyWithoutTemporaryFilesLeft() throws IOException {
        IdentityJournal journal = new IdentityJournal(temp.resolve("a").resolve("registration-id"));
        assertFalse(journal.exists());
        journal.write(publicArea, privatePart);
        assertTrue(journal.exists());
        IdentityJournal.Entry entry = journal.read();
        assertArrayEquals(publicArea, entry.publicArea());
        assertArrayEquals(privatePart, entry.privatePart());
        assertEquals(8 + 2 + 90 + 2 + 126 + 32, Files.size(journal.file()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal.dir())));

        journal.write(privatePart, publicArea); // replaced whole
        assertArrayEquals(publicArea, journal.read().privatePart());
        try (Stream<Path> files = Files.list(journal.dir())) {
            assertEquals(java.util.List.of(IdentityJournal.FILE_NAME),
                    files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("identity.lock")).toList());
        }
        journal.delete();
        assertFalse(journal.exists());
        journal.delete(); // nothing left to delete is fine
    }

    @Test
    void everyKindOfDamageIsAnErrorNamingTheFile() throws IOException {
        IdentityJournal journal = new IdentityJournal(temp);
        journal.write(publicArea, privatePart);
        byte[] good = Files.readAllBytes(journal.file());

        byte[] flipped = good.clone();
        flipped[50] ^= 0x04;
        assertDamaged(journal, flipped, "SHA-256");
        assertDamaged(journal, Arrays.copyOf(good, good.length - 1), "SHA-256");
        assertDamaged(journal, Arrays.copyOf(good, 20), "shorter than any journal");
        byte[] foreign = good.clone();
        foreign[0] = 'X';
        assertDamaged(journal, foreign, "magic");
        assertDamaged(journal, new byte[0], "0 bytes");
    }

    private static void assertDamaged(IdentityJournal journal, byte[] content, String why) throws IOException {
        Files.write(journal.file(), content);
        HsmException e = assertThrows(HsmException.class, journal::read);
        assertTrue(e.getMessage().contains(journal.file().toString()) && e.getMessage().contains(why)
                && e.getMessage().contains("Nothing was evicted"), e.getMessage());
    }

    @Test
    void aSecondHolderWaitsForTheLock() throws Exception {
        IdentityJournal journal = new IdentityJournal(temp);
        IdentityJournal sameDirectory = new IdentityJournal(temp.resolve(".").resolve("x").resolve(".."));
        CountDownLatch acquired = new CountDownLatch(1);
        CompletableFuture<Void> second;
        try (IdentityJournal.Lock held = journal.lock()) {
            second = CompletableFuture.runAsync(() -> {
                try (IdentityJournal.Lock waiting = sameDirectory.lock()) {
                    acquired.countDown();
                }
            });
            assertFalse(acquired.await(300, TimeUnit.MILLISECONDS), "the second holder got the lock while it was held");
        }
        assertTrue(acquired.await(5, TimeUnit.SECONDS), "the second holder never got the released lock");
        second.get(5, TimeUnit.SECONDS);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) (seed + 31 * i);
        }
        return value;
    }
}
