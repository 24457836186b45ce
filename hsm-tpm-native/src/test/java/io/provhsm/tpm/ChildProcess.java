package io.provhsm.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process (tpm2-tools, a second JVM) to its end within a timeout. Its output is drained on other
 * threads meanwhile: reading it before waiting would block past the timeout on a child that hangs, and a child
 * writing more than a pipe holds would never finish if nobody read.
 */
final class ChildProcess {
    private ChildProcess() {
    }

    /** What one run left behind. */
    record Result(int exitCode, String out, String err) {
    }

    /** Starts {@code builder}; fails the test if it has not ended after {@code timeoutSeconds} (and kills it). */
    static Result run(ProcessBuilder builder, long timeoutSeconds) {
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // gone before the next test starts
                throw new AssertionError(builder.command() + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
