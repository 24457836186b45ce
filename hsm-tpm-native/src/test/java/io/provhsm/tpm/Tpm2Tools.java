package io.provhsm.tpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tpm2-tools, an independent TPM client, run against a given TCTI. */
final class Tpm2Tools {
    private Tpm2Tools() {
    }

    /** Runs {@code tool args...} with TPM2TOOLS_TCTI set; returns stdout, fails the test with stderr on error. */
    static String run(String tcti, String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("TPM2TOOLS_TCTI", tcti);
        builder.environment().put("TSS2_LOG", "all+none");
        try {
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(line + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(line + " exited " + process.exitValue() + ": " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + line + " (install tpm2-tools)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
