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
import java.util.EnumSet;
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

    @Test
    void customProviderWithTheExampleLibraryIsConformantForX509AndSymmetricKey() {
        Path library = Path.of(System.getProperty("provhsm.native.dir", "target/native")).resolve(System.mapLibraryName("custom_hsm_example"));
        assertTrue(Files.isRegularFile(library), "the root build's CMake step builds " + library);
        for (String binding : new String[] {"jna", "jnr"}) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.custom.library", library.toString(), "provhsm.custom.binding", binding));
            ConformanceResults results = ConformanceKit.provider("custom").config(config)
                    .mechanisms(EnumSet.of(Mechanism.X509, Mechanism.SYMMETRIC_KEY)).execute();
            assertEveryRuleOfPasses(results, Mechanism.X509);
            assertEveryRuleOfPasses(results, Mechanism.SYMMETRIC_KEY);
        }
    }

    /**
     * The example library's "TPM-style" identity reports its EK as DER SubjectPublicKeyInfo and imports keys in
     * its own format (native/example/README.md): not a TPM the provisioning service can attest, and the kit says so.
     */
    @Test
    void customExampleLibrarysTpmStyleIdentityIsNotATpmTheServiceCanAttest() {
        Path library = Path.of(System.getProperty("provhsm.native.dir", "target/native")).resolve(System.mapLibraryName("custom_hsm_example"));
        HsmConfig config = HsmConfig.of(Map.of("provhsm.custom.library", library.toString()));
        ConformanceResults results = ConformanceKit.provider("custom").config(config).mechanisms(EnumSet.of(Mechanism.TPM)).execute();
        RuleResult ek = results.result("tpm.contract.endorsement-key-template").orElseThrow();
        assertEquals(Outcome.FAIL, ek.outcome(), results::report);
        assertTrue(ek.reason().startsWith("endorsement key is not a TPM2B_PUBLIC"), ek.reason());
        assertEquals(Outcome.NOT_APPLICABLE, results.result("x509.contract.chain-leaf-first").orElseThrow().outcome());
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
