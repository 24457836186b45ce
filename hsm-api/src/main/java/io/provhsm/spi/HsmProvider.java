package io.provhsm.spi;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import java.util.Set;

/**
 * The one service a provider jar registers (in {@code META-INF/services/io.provhsm.spi.HsmProvider},
 * e.g. with {@code @AutoService(HsmProvider.class)}). Implementations need a public no-argument
 * constructor and must be cheap to construct: discovery instantiates every provider on the class path.
 */
public interface HsmProvider {

    /** Stable, lowercase name users select the provider by ({@code dice}, {@code tpm}, {@code custom}, ...). */
    String name();

    /** The mechanisms {@link #open} can return sessions for. */
    Set<Mechanism> mechanisms();

    /**
     * The mechanisms served under this configuration, a subset of {@link #mechanisms()}: e.g. only the interfaces
     * a configured vendor library exports. Callers that report every mechanism (the CLI's {@code identity}) ask
     * this. Like {@link #availability}, it must not throw; by default all of {@link #mechanisms()}.
     */
    default Set<Mechanism> mechanisms(HsmConfig config) {
        return mechanisms();
    }

    /**
     * Whether the provider can serve here with this configuration. Must not open the device for long,
     * create identities or throw: a probe that fails reports why.
     */
    Availability availability(HsmConfig config);

    /**
     * Whether discovery may pick this provider when the user named none. A provider that starts
     * processes or touches shared hardware state may require being named.
     */
    default boolean selectableByDefault() {
        return true;
    }

    /**
     * Opens a session for one mechanism. The returned object implements the interface of that mechanism
     * ({@code TpmHsm}, {@code X509Hsm} or {@code SymmetricKeyHsm}).
     *
     * @throws io.provhsm.HsmException with a precise message if the device or its configuration is unusable
     */
    Hsm open(Mechanism mechanism, HsmConfig config);
}
