package io.provhsm.tpm;

import java.util.List;

/** tpm2-tools, an independent TPM client, run against a given TCTI. */
final class Tpm2Tools {
    private Tpm2Tools() {
    }

    /** Runs {@code tool args...} with TPM2TOOLS_TCTI set; returns stdout, fails the test with stderr on error. */
    static String run(String tcti, String... command) {
        List<String> line = List.of(command);
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("TPM2TOOLS_TCTI", tcti);
        builder.environment().put("TSS2_LOG", "all+none");
        ChildProcess.Result result = ChildProcess.run(builder, 30);
        if (result.exitCode() != 0) {
            throw new AssertionError(line + " exited " + result.exitCode() + ": " + result.err());
        }
        return result.out();
    }
}
