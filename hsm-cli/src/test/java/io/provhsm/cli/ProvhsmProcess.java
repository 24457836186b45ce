package io.provhsm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code provhsm} in a fresh JVM on this module's test class path, with a controlled environment. */
final class ProvhsmProcess {
    private ProvhsmProcess() {
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

    /** {@code provhsm args} with no PROVHSM_* variable inherited, plus {@code environment}; not started yet. */
    static ProcessBuilder builder(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1"); // short-lived: start fast
        command.add("-cp");
        command.add(classPath());
        command.add(Provhsm.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PROVHSM_") || name.equals("JAVA_TOOL_OPTIONS") || name.equals("_JAVA_OPTIONS"));
        env.putAll(environment);
        return builder;
    }

    /** Runs {@code provhsm args} with no PROVHSM_* variable inherited, plus {@code environment}. */
    static Result run(Map<String, String> environment, String... args) {
        try {
            Process process = builder(environment, args).start();
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
