package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Mechanism;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** mechanisms(config): the interfaces the configured library exports, on both bindings; all three when it cannot tell. */
class ConfiguredMechanismsTest {
    private final CustomHsmProvider provider = new CustomHsmProvider();

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void aLibraryExportingOnlyTheTpmInterfaceServesOnlyTpm(String binding) {
        // libbroken_hsm_missing_symbol.so exports hsm_client_tpm_interface, not the X509 or key getters
        HsmConfig config = NativeLibraries.config(NativeLibraries.broken("missing_symbol"), binding);
        assertEquals(EnumSet.of(Mechanism.TPM), provider.mechanisms(config));
        assertEquals(EnumSet.allOf(Mechanism.class), provider.mechanisms(), "without a configuration: all it can serve");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void theExampleExportingAllThreeServesAllThree(String binding) {
        HsmConfig config = NativeLibraries.config(NativeLibraries.path(NativeLibraries.EXAMPLE), binding);
        assertEquals(EnumSet.allOf(Mechanism.class), provider.mechanisms(config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void whenTheLibraryCannotTellAllThreeAndAvailabilitySaysWhy(String binding) {
        for (String library : new String[] {"/nonexistent/libvendor.so", "no_such_vendor_hsm", NativeLibraries.path("bench_custom")}) {
            HsmConfig config = NativeLibraries.config(library, binding);
            assertEquals(EnumSet.allOf(Mechanism.class), provider.mechanisms(config), library);
            Availability availability = provider.availability(config);
            assertFalse(availability.available(), library);
            assertFalse(availability.reason().isBlank(), library);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void withoutALibraryOrWithABadBindingAllThreeAndNoException(String binding) {
        assertEquals(EnumSet.allOf(Mechanism.class), provider.mechanisms(HsmConfig.of(Map.of(CustomSettings.BINDING, binding))));
        HsmConfig badBinding = NativeLibraries.config(NativeLibraries.path(NativeLibraries.TEMPLATE), "jni");
        assertEquals(EnumSet.allOf(Mechanism.class), provider.mechanisms(badBinding));
        assertTrue(provider.availability(badBinding).reason().contains(CustomSettings.BINDING), provider.availability(badBinding).reason());
    }
}
