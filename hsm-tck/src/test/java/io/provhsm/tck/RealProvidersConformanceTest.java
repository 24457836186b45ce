package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.sim.Swtpm;
import java.nio.file.Files;
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
    void diceProviderIsConformantInBothProfiles() {
        for (String profile : new String[] {"open-dice", "riot-fixed"}) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.dice.profile", profile,
                    "provhsm.dice.data-dir", temp.resolve("dice-" + profile).toString()));
            assertEveryRuleOfPasses(ConformanceKit.provider("dice").config(config).execute(), Mechanism.X509);
        }
    }

    /** The example library serves X.509, a TPM 2.0 in software (TPM2B_PUBLIC EK/SRK, the service's blob) and a symmetric key. */
    @Test
    void customProviderWithTheExampleLibraryIsConformantForEveryMechanism() {
        Path library = Path.of(System.getProperty("provhsm.native.dir", "target/native")).resolve(System.mapLibraryName("custom_hsm_example"));
        assertTrue(Files.isRegularFile(library), "the root build's CMake step builds " + library);
        for (String binding : new String[] {"jna", "jnr"}) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.custom.library", library.toString(), "provhsm.custom.binding", binding));
            ConformanceResults results = ConformanceKit.provider("custom").config(config).execute();
            assertEveryRuleOfPasses(results, Mechanism.X509);
            assertEveryRuleOfPasses(results, Mechanism.TPM);
            assertEveryRuleOfPasses(results, Mechanism.SYMMETRIC_KEY);
        }
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
