package io.provhsm.tck;

import io.provhsm.spi.HsmConfig;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Base class for a vendor's own JUnit build: one dynamic test per rule.
 *
 * <pre>{@code
 * class MyChipConformanceTest extends ProviderConformanceTest {
 *     protected String providerName() { return "mychip"; }
 * }
 * }</pre>
 *
 * A failing rule fails its test with the rule's reason; a rule that does not apply is reported as aborted. The rules
 * that replace the device's identity are aborted too unless {@link #allowIdentityReplacement()} returns true.
 */
public abstract class ProviderConformanceTest {

    /** The name the provider registers under. */
    protected abstract String providerName();

    /** Settings to open the provider with; default: this process's system properties and environment. */
    protected HsmConfig config() {
        return HsmConfig.fromEnvironment();
    }

    /**
     * Whether the rules that replace the device's identity (activate kit keys, {@code setKeyInfo}) may run; default
     * false. Return true only where the identity is a throwaway (a simulator's temporary state, an unprovisioned device).
     */
    protected boolean allowIdentityReplacement() {
        return false;
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        ConformanceKit kit = ConformanceKit.provider(providerName()).config(config());
        if (allowIdentityReplacement()) {
            kit.allowIdentityReplacement();
        }
        ConformanceResults results = kit.execute();
        return results.results().stream().map(result -> DynamicTest.dynamicTest(result.ruleId(), () -> {
            switch (result.outcome()) {
                case PASS -> { }
                case FAIL -> Assertions.fail(result.ruleId() + ": " + result.reason());
                case NOT_APPLICABLE -> Assumptions.abort(result.reason());
            }
        }));
    }
}
