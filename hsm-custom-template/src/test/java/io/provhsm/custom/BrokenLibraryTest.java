package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Libraries that break the ABI contract (native/broken) give errors naming the function or symbol, and the
 * session stays usable. The cases that would read out of bounds if the bridge trusted the library run in a
 * forked JVM ({@link BrokenLibraryForkedTest}).
 */
class BrokenLibraryTest {
    private final CustomHsmProvider provider = new CustomHsmProvider();

    private static void assertFails(String expected, Executable call) {
        HsmException e = assertThrows(HsmException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private io.provhsm.Hsm open(String variant, String binding, Mechanism mechanism) {
        return provider.open(mechanism, NativeLibraries.config(NativeLibraries.broken(variant), binding));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void nullReturnsNameTheFunction(String binding) {
        String where = "(libbroken_hsm_null.so via " + binding + ")";
        try (X509Hsm x509 = (X509Hsm) open("null", binding, Mechanism.X509)) {
            assertFails("hsm_client_get_common_name returned NULL " + where, x509::commonName);
            assertFails("hsm_client_get_cert returned NULL " + where, x509::certificateChain);
            assertFails("hsm_client_get_key returned NULL " + where, x509::aliasKey);
        }
        try (TpmHsm tpm = (TpmHsm) open("null", binding, Mechanism.TPM)) {
            assertFails("hsm_client_get_ek returned 0 but a NULL buffer (length 316) " + where, tpm::endorsementKey);
            assertFails("hsm_client_sign_with_identity returned 0 but a NULL buffer", () -> tpm.signWithIdentity(new byte[3]));
            assertFails("hsm_client_get_ek returned 0 but a NULL buffer", tpm::registrationId);
        }
        assertFails("hsm_client_key_create() returned NULL " + where, () -> open("null", binding, Mechanism.SYMMETRIC_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void missingEntryPointsAreNamed(String binding) {
        assertFails("libbroken_hsm_missing_symbol.so exports hsm_client_tpm_interface but not hsm_client_tpm_deinit",
                () -> open("missing_symbol", binding, Mechanism.TPM));
        assertFails("libbroken_hsm_missing_symbol.so does not export hsm_client_x509_interface (X509); it exports hsm_client_tpm_interface",
                () -> open("missing_symbol", binding, Mechanism.X509));
        // the failed init left nothing behind: the same error again, not a corrupted count
        assertFails("but not hsm_client_tpm_deinit", () -> open("missing_symbol", binding, Mechanism.TPM));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void incompleteTablesAreNamed(String binding) {
        assertFails("HSM_CLIENT_TPM_INTERFACE from hsm_client_tpm_interface() has NULL function pointers: hsm_client_get_srk, "
                + "hsm_client_sign_with_identity", () -> open("null_table", binding, Mechanism.TPM));
        assertFails("HSM_CLIENT_KEY_INTERFACE from hsm_client_key_interface() has NULL function pointers: hsm_client_key_create",
                () -> open("null_table", binding, Mechanism.SYMMETRIC_KEY));
        assertFails("hsm_client_x509_interface() returned NULL (libbroken_hsm_null_table.so via " + binding + ")",
                () -> open("null_table", binding, Mechanism.X509));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void failingInitIsNamedAndRetried(String binding) {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertFails("initialize_hsm_system() returned 7 (libbroken_hsm_init_fails.so via " + binding + ")",
                    () -> open("init_fails", binding, Mechanism.TPM));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void stringsWithoutNulAreRefusedAndFreed(String binding) {
        // the library really allocated 1 MiB + 1 bytes without a NUL: reading the bound is in bounds
        try (SymmetricKeyHsm key = (SymmetricKeyHsm) open("unterminated", binding, Mechanism.SYMMETRIC_KEY)) {
            assertFails("hsm_client_get_registration_name returned a string without a terminating NUL within 129 bytes",
                    key::registrationId);
            assertFails("hsm_client_get_symm_key returned a string without a terminating NUL within 128 bytes", () -> key.sign(new byte[1]));
        }
    }

    /** The key the library hands out is decoded as the service's keys are; a bad one is the library's fault. */
    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void aKeyThatIsNotBase64IsTheLibrarysErrorAndNotShown(String binding) {
        // the counting library answers every string call with "counting-hsm", so that is its "key"
        try (SymmetricKeyHsm key = (SymmetricKeyHsm) open("counting", binding, Mechanism.SYMMETRIC_KEY)) {
            HsmException e = assertThrows(HsmException.class, () -> key.sign(new byte[1]));
            assertEquals(HsmException.class, e.getClass(), "not the caller's invalid input");
            assertEquals("the key from hsm_client_get_symm_key is not base64 (12 characters)"
                    + " (libbroken_hsm_counting.so via " + binding + ")", e.getMessage());
            assertFalse(e.getMessage().contains("counting-hsm"), "the key must not appear in the message");
        }
    }

    /** A library that keeps the contract and counts: every buffer and string is freed once, with its free(). */
    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void everyReturnedBufferIsFreedExactlyOnce(String binding) {
        String library = NativeLibraries.broken("counting");
        com.sun.jna.NativeLibrary counters = com.sun.jna.NativeLibrary.getInstance(library);
        long before = counters.getFunction("counting_hsm_outstanding").invokeLong(new Object[0]);
        int calls = 0;
        try (TpmHsm tpm = (TpmHsm) open("counting", binding, Mechanism.TPM);
             X509Hsm x509 = (X509Hsm) open("counting", binding, Mechanism.X509);
             SymmetricKeyHsm key = (SymmetricKeyHsm) open("counting", binding, Mechanism.SYMMETRIC_KEY)) {
            for (int i = 0; i < 500; i++) {
                assertArrayEquals(new byte[] {0, 2, 1, 1}, tpm.endorsementKey());
                assertArrayEquals(new byte[] {0, 2, 1, 1}, tpm.storageRootKey());
                assertEquals(32, tpm.signWithIdentity(new byte[i % 7]).length);
                assertEquals("counting-hsm", x509.commonName());
                assertEquals("counting-hsm", key.registrationId());
                assertFails("hsm_client_get_cert returned no PEM CERTIFICATE block", x509::certificateChain);
                calls += 6;
            }
        }
        long outstanding = counters.getFunction("counting_hsm_outstanding").invokeLong(new Object[0]);
        long doubleFrees = counters.getFunction("counting_hsm_double_frees").invokeLong(new Object[0]);
        assertEquals(before, outstanding, "buffers not freed after " + calls + " calls");
        assertEquals(0, doubleFrees, "buffers freed twice (or memory the library did not return)");
    }

    /** The counting library notes calls that overlap inside sign_with_identity (each sleeps 0.2 ms). */
    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void callsOnOneHandleAreSerialisedUnlessDeclaredThreadSafe(String binding) throws Exception {
        com.sun.jna.Function overlaps = com.sun.jna.NativeLibrary.getInstance(NativeLibraries.broken("counting"))
                .getFunction("counting_hsm_overlaps");
        long before = overlaps.invokeLong(new Object[0]);
        hammer(binding, "false");
        assertEquals(before, overlaps.invokeLong(new Object[0]), "calls overlapped on a handle not declared thread-safe");
        hammer(binding, "true");
        assertTrue(overlaps.invokeLong(new Object[0]) > before, "a thread-safe library should be called concurrently");
    }

    private void hammer(String binding, String threadSafe) throws Exception {
        var config = NativeLibraries.config(NativeLibraries.broken("counting"), binding).with(CustomSettings.THREAD_SAFE, threadSafe);
        try (TpmHsm tpm = (TpmHsm) provider.open(Mechanism.TPM, config)) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            tpm.signWithIdentity(new byte[1]);
                        }
                    }));
                }
                for (var future : done) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
