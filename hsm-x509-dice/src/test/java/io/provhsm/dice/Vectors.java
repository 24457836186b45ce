package io.provhsm.dice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared known-answer vectors (system property provhsm.shared.dir, set by surefire). */
public final class Vectors {
    private Vectors() {
    }

    public static Path dir(String name) {
        String shared = System.getProperty("provhsm.shared.dir");
        Path base = shared != null ? Path.of(shared) : Path.of("..", "..", "shared");
        Path dir = base.resolve("vectors").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("vectors not found at " + dir.toAbsolutePath() + " (set provhsm.shared.dir)");
        }
        return dir;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
