package io.provhsm.custom;

import com.google.auto.service.AutoService;
import io.provhsm.Hsm;
import io.provhsm.HsmException;
import io.provhsm.Mechanism;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code custom}: any library with the C SDK's custom-HSM ABI ({@code hsm_client_data.h}), named by
 * {@value CustomSettings#LIBRARY}, through JNA (default) or JNR-FFI ({@value CustomSettings#BINDING}). Serves the
 * interfaces the library exports.
 */
@AutoService(HsmProvider.class)
public final class CustomHsmProvider implements HsmProvider {
    public static final String NAME = "custom";

    @Override
    public String name() {
        return NAME;
    }

    /** All three: which ones a given library serves is known once it is loaded (see {@link #mechanisms(HsmConfig)}). */
    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.allOf(Mechanism.class);
    }

    /**
     * The mechanisms whose interface getter the configured library exports. Without a library, or one that cannot be
     * loaded or exports none, all three: {@link #availability} then says why the provider cannot serve.
     */
    @Override
    public Set<Mechanism> mechanisms(HsmConfig config) {
        try {
            CustomSettings settings = CustomSettings.from(config);
            if (settings.library().isEmpty()) {
                return mechanisms();
            }
            Set<HsmTable> tables = HsmLibrary.load(settings.library().get(), settings.binding()).exportedTables();
            if (tables.isEmpty()) {
                return mechanisms();
            }
            Set<Mechanism> served = EnumSet.noneOf(Mechanism.class);
            tables.forEach(table -> served.add(table.mechanism()));
            return served;
        } catch (HsmException e) {
            return mechanisms();
        }
    }

    @Override
    public Availability availability(HsmConfig config) {
        try {
            CustomSettings settings = CustomSettings.from(config);
            if (settings.library().isEmpty()) {
                return Availability.unavailable(CustomSettings.LIBRARY + " is not set (system property " + CustomSettings.LIBRARY
                        + " or environment " + HsmConfig.environmentName(CustomSettings.LIBRARY) + ")");
            }
            HsmLibrary library = HsmLibrary.load(settings.library().get(), settings.binding());
            Set<HsmTable> tables = library.exportedTables();
            if (tables.isEmpty()) {
                return Availability.unavailable(library.describe() + " exports none of "
                        + EnumSet.allOf(HsmTable.class).stream().map(HsmTable::getter).collect(Collectors.joining(", ")));
            }
            return Availability.available(library.describe() + " serves "
                    + tables.stream().map(t -> t.mechanism().name()).collect(Collectors.joining(", ")));
        } catch (HsmException e) {
            return Availability.unavailable(e.getMessage());
        }
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        CustomSettings settings = CustomSettings.from(config);
        HsmLibrary library = HsmLibrary.load(settings.library().orElseGet(() -> config.require(CustomSettings.LIBRARY)),
                settings.binding());
        return switch (mechanism) {
            case TPM -> new CustomTpmHsm(library, settings.threadSafe());
            case X509 -> new CustomX509Hsm(library, settings.threadSafe());
            case SYMMETRIC_KEY -> new CustomSymmetricKeyHsm(library, settings.threadSafe());
        };
    }
}
