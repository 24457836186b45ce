package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.sim.Swtpm;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit passes every real provider of this repository, each on its real device. */
class RealProvidersConformanceTest {
    @TempDir
    Path temp;

    private static void assertEveryRuleOfPasses(ConformanceResults results, Mechanism mechanism) {
        results.assertConformant();
        long rules = ConformanceKit.rules().stream().filter(r -> r.mechanism() == mechanism).count();
        long passed = results.results().stream().filter(r -> r.mechanism() == mechanism && r.outcome() == Outcome.PASS).count();
        assertEquals(rules, passed, results::report);
    }

    @Test
    void symmetricKeyProviderIsConformant() {
        HsmConfig config = HsmConfig.of(Map.of(
                "provhsm.symmetric-key.registration-id", "tck-symmetric-device",
                "provhsm.symmetric-key.key", Base64.getEncoder().encodeToString(new byte[32])));
        assertEveryRuleOfPasses(ConformanceKit.provider("symmetric-key").config(config).execute(), Mechanism.SYMMETRIC_KEY);
    }

    @Test
    void tpmSimulatorProviderOnSwtpmIsConformant() {
        assumeTrue(Swtpm.installed(), "swtpm is installed here (.ci/install-deps installs it)");
        HsmConfig config = HsmConfig.of(Map.of("provhsm.tpm.simulator.state-dir", temp.resolve("swtpm").toString()));
        assertEveryRuleOfPasses(ConformanceKit.provider("tpm-simulator").config(config).execute(), Mechanism.TPM);
    }

    @Test
    void tpmProviderOverTctiToARunningSwtpmIsConformant() {
        assumeTrue(Swtpm.installed(), "swtpm is installed here (.ci/install-deps installs it)");
        try (Swtpm swtpm = Swtpm.start(temp.resolve("tcti"))) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.tpm.transport", "tcti", "provhsm.tpm.tcti", swtpm.tcti()));
            assertEveryRuleOfPasses(ConformanceKit.provider("tpm").config(config).execute(), Mechanism.TPM);
        }
    }
}
