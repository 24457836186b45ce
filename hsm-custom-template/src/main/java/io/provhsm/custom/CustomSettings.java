package io.provhsm.custom;

import io.provhsm.spi.HsmConfig;
import java.util.Optional;
import java.util.Set;

/** The settings of the {@code custom} provider. */
public record CustomSettings(Optional<String> library, String binding, boolean threadSafe) {
    /** Path of the custom-HSM library, or its name on the library path. */
    public static final String LIBRARY = "provhsm.custom.library";
    /** {@value #BINDING_JNA} (default) or {@value #BINDING_JNR}. */
    public static final String BINDING = "provhsm.custom.binding";
    /** true if the library may be called concurrently on one handle; default false: calls are serialised. */
    public static final String THREAD_SAFE = "provhsm.custom.thread-safe";
    public static final String BINDING_JNA = "jna";
    public static final String BINDING_JNR = "jnr";

    /** @throws io.provhsm.HsmConfigException naming the malformed setting */
    public static CustomSettings from(HsmConfig config) {
        return new CustomSettings(config.get(LIBRARY), config.choice(BINDING, BINDING_JNA, Set.of(BINDING_JNA, BINDING_JNR)),
                config.flag(THREAD_SAFE, false));
    }
}
