package io.provhsm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code provhsm} in a fresh JVM on this module's test class path, with a controlled environment: no
 * PROVHSM_* variable inherited, and HOME, XDG_DATA_HOME and user.home in a temporary directory, so no run reads or
 * writes the real home (the dice UDS, TPM state).
 */
final class ProvhsmProcess {
    /** The home of runs that do not name their own: one per test JVM, under this module's target directory. */
    private static Path sharedHome;

    private ProvhsmProcess() {
    }

    private static synchronized Path sharedHome() {
        if (sharedHome == null) {
            try {
                sharedHome = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "provhsm-home-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sharedHome;
    }

    /** What one run left behind. */
    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The test class path: surefire passes it in surefire.test.class.path (java.class.path is its booter jar). */
    static String classPath() {
        String path = System.getProperty("surefire.test.class.path");
        return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
    }

    /**
     * {@code provhsm args} with {@code home} as HOME (its .local/share as XDG_DATA_HOME), no PROVHSM_* variable
     * inherited, plus {@code environment}; not started yet.
     */
    static ProcessBuilder builder(Path home, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Duser.home=" + home.toAbsolutePath());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1"); // short-lived: start fast
        command.add("-cp");
        command.add(classPath());
        command.add(Provhsm.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PROVHSM_") || name.equals("JAVA_TOOL_OPTIONS") || name.equals("_JAVA_OPTIONS"));
        env.put("HOME", home.toAbsolutePath().toString());
        env.put("XDG_DATA_HOME", home.toAbsolutePath().resolve(".local").resolve("share").toString());
        env.putAll(environment);
        return builder;
    }

    /** {@link #builder(Path, Map, String...)} in the shared temporary home. */
    static ProcessBuilder builder(Map<String, String> environment, String... args) {
        return builder(sharedHome(), environment, args);
    }

    /** Runs {@code provhsm args} with {@code home} as HOME, plus {@code environment}. */
    static Result run(Path home, Map<String, String> environment, String... args) {
        try {
            Process process = builder(home, environment, args).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("provhsm " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code provhsm args} in the shared temporary home, plus {@code environment}. */
    static Result run(Map<String, String> environment, String... args) {
        return run(sharedHome(), environment, args);
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
