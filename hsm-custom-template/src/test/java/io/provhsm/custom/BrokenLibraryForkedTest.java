package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Absurd lengths and unterminated strings would make an unchecked bridge read far past the library's buffers:
 * these run in a forked JVM, which must exit normally having reported each error.
 */
class BrokenLibraryForkedTest {

    @ParameterizedTest
    @CsvSource({
        "huge_length, jna, hsm_client_get_ek returned a buffer of 9223372036854775807 bytes; at most 1048576 are accepted",
        "huge_length, jnr, hsm_client_sign_with_identity returned a buffer of 1099511627776 bytes; at most 1048576 are accepted",
        "unterminated, jna, hsm_client_get_common_name returned a string without a terminating NUL within 1048576 bytes",
        "unterminated, jnr, hsm_client_get_key returned a string without a terminating NUL within 1048576 bytes",
    })
    void forkedJvmSurvivesAndReports(String variant, String binding, String expected) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BrokenLibraryProbe.class.getName(), NativeLibraries.broken(variant), binding)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe hung: " + output);
        assertEquals(0, process.exitValue(), "probe JVM did not exit normally:\n" + output);
        assertTrue(output.contains("DONE"), output);
        assertTrue(output.contains("ERROR: " + expected), "expected '" + expected + "' in:\n" + output);
        assertTrue(output.contains("(libbroken_hsm_" + variant + ".so via " + binding + ")"), output);
    }
}
