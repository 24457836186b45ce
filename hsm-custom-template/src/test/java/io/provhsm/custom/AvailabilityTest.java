package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.TpmHsm;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** When the provider can serve, and why not. */
class AvailabilityTest {
    private final CustomHsmProvider provider = new CustomHsmProvider();

    @Test
    void unavailableWithoutALibrary() {
        Availability availability = provider.availability(HsmConfig.of(Map.of()));
        assertFalse(availability.available());
        assertEquals("provhsm.custom.library is not set (system property provhsm.custom.library or environment "
                + "PROVHSM_CUSTOM_LIBRARY)", availability.reason());
        NoProviderException e = assertThrows(NoProviderException.class,
                () -> Hsms.openTpm(HsmConfig.of(Map.of("provhsm.provider", "custom"))));
        assertTrue(e.getMessage().contains("provhsm.custom.library is not set"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void unavailableWhenTheLibraryCannotBeLoaded(String binding) {
        Availability missing = provider.availability(NativeLibraries.config("/nonexistent/libvendor.so", binding));
        assertFalse(missing.available());
        assertEquals("custom HSM library /nonexistent/libvendor.so does not exist", missing.reason());

        Availability unknown = provider.availability(NativeLibraries.config("no_such_vendor_hsm", binding));
        assertFalse(unknown.available());
        assertTrue(unknown.reason().startsWith("cannot load custom HSM library libno_such_vendor_hsm.so through " + binding),
                unknown.reason());

        // a real shared library that is not a custom HSM
        Availability notAnHsm = provider.availability(NativeLibraries.config(NativeLibraries.path("bench_custom"), binding));
        assertFalse(notAnHsm.available());
        assertTrue(notAnHsm.reason().contains("exports none of hsm_client_x509_interface, hsm_client_tpm_interface, "
                + "hsm_client_key_interface"), notAnHsm.reason());
    }

    @Test
    void unknownBindingIsAConfigurationError() {
        Availability availability = provider.availability(NativeLibraries.config(NativeLibraries.path(NativeLibraries.TEMPLATE), "jni"));
        assertFalse(availability.available());
        assertTrue(availability.reason().contains("provhsm.custom.binding (configuration) must be one of [jna, jnr], got 'jni'"),
                availability.reason());
    }

    @Test
    void libraryNameIsFoundOnTheLibraryPath() {
        String saved = System.getProperty("jna.library.path");
        System.setProperty("jna.library.path", NativeLibraries.dir().toString());
        try {
            Availability availability = provider.availability(HsmConfig.of(Map.of(CustomSettings.LIBRARY, NativeLibraries.TEMPLATE)));
            assertTrue(availability.available(), availability.reason());
            assertEquals("libcustom_hsm_template.so via jna serves X509, TPM, SYMMETRIC_KEY", availability.reason());
        } finally {
            if (saved == null) {
                System.clearProperty("jna.library.path");
            } else {
                System.setProperty("jna.library.path", saved);
            }
        }
    }

    /** The C template loads, initialises through its per-interface init, and reports its TODOs as failures. */
    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void templateLibraryReportsItsUnimplementedFunctions(String binding) {
        try (TpmHsm tpm = (TpmHsm) provider.open(Mechanism.TPM, NativeLibraries.config(NativeLibraries.path(NativeLibraries.TEMPLATE), binding))) {
            HsmException e = assertThrows(HsmException.class, tpm::endorsementKey);
            assertEquals("hsm_client_get_ek failed with 1 (libcustom_hsm_template.so via " + binding + ")", e.getMessage());
        }
    }
}
