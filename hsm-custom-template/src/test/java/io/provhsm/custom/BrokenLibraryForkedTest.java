package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lengths that overrun the library's buffers and unterminated strings would make an unchecked bridge read past
 * them: these run in a forked JVM, which must exit normally having reported each error. The short_buffer
 * library puts an unmapped page right after each buffer, so a single byte read too far is a SIGSEGV there.
 */
class BrokenLibraryForkedTest {

    static Stream<Arguments> cases() {
        List<String> shortBuffers = List.of(
                "hsm_client_get_ek returned a buffer of 600 bytes but its TPM2B_PUBLIC size field says 62 (+2)",
                "hsm_client_get_srk returned a buffer of 1300 bytes; a TPM2B_PUBLIC is 2 to 606 bytes",
                "hsm_client_sign_with_identity returned a buffer of 4096 bytes; an HMAC-SHA256 is exactly 32 bytes");
        return Stream.of(
                Arguments.of("huge_length", "jna", List.of(
                        "hsm_client_get_ek returned a buffer of 9223372036854775807 bytes; a TPM2B_PUBLIC is 2 to 606 bytes",
                        "hsm_client_sign_with_identity returned a buffer of 1099511627776 bytes; an HMAC-SHA256 is exactly 32 bytes")),
                Arguments.of("huge_length", "jnr", List.of(
                        "hsm_client_get_srk returned a buffer of 9223372036854775807 bytes; a TPM2B_PUBLIC is 2 to 606 bytes",
                        "hsm_client_sign_with_identity returned a buffer of 1099511627776 bytes; an HMAC-SHA256 is exactly 32 bytes")),
                Arguments.of("short_buffer", "jna", shortBuffers),
                Arguments.of("short_buffer", "jnr", shortBuffers),
                Arguments.of("unterminated", "jna", List.of(
                        "hsm_client_get_common_name returned a string without a terminating NUL within 257 bytes")),
                Arguments.of("unterminated", "jnr", List.of(
                        "hsm_client_get_key returned a string without a terminating NUL within 1048576 bytes")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forkedJvmSurvivesAndReports(String variant, String binding, List<String> expected) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a crash report (if the bridge regresses) goes to the temporary directory, not the module
        String errorFile = "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "provhsm-probe-hs_err_%p.log");
        Process process = new ProcessBuilder(java, errorFile, "-cp", System.getProperty("java.class.path"),
                BrokenLibraryProbe.class.getName(), NativeLibraries.broken(variant), binding)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe hung: " + output);
        assertEquals(0, process.exitValue(), "probe JVM did not exit normally:\n" + output);
        assertTrue(output.contains("DONE"), output);
        for (String message : expected) {
            assertTrue(output.contains("ERROR: " + message + " (libbroken_hsm_" + variant + ".so via " + binding + ")"),
                    "expected '" + message + "' in:\n" + output);
        }
    }
}
