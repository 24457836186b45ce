package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.tck.service.ActivationBlobBuilder;
import io.provhsm.tck.testing.SwtpmRequired;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.sim.Swtpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit passes every real provider of this repository, each on its real device. Each device here holds a throwaway
 * identity (temporary directories and simulator state), so the identity-replacing rules run too.
 */
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
            assertEveryRuleOfPasses(ConformanceKit.provider("dice").config(config).allowIdentityReplacement().execute(), Mechanism.X509);
        }
    }

    /** The example library serves X.509, a TPM 2.0 in software (TPM2B_PUBLIC EK/SRK, the service's blob) and a symmetric key. */
    @Test
    void customProviderWithTheExampleLibraryIsConformantForEveryMechanism() {
        Path library = Path.of(System.getProperty("provhsm.native.dir", "target/native")).resolve(System.mapLibraryName("custom_hsm_example"));
        assertTrue(Files.isRegularFile(library), "the root build's CMake step builds " + library);
        for (String binding : new String[] {"jna", "jnr"}) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.custom.library", library.toString(), "provhsm.custom.binding", binding));
            ConformanceResults results = ConformanceKit.provider("custom").config(config).allowIdentityReplacement().execute();
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
        assertEveryRuleOfPasses(ConformanceKit.provider("symmetric-key").config(config).allowIdentityReplacement().execute(),
                Mechanism.SYMMETRIC_KEY);
    }

    @Test
    void tpmSimulatorProviderOnSwtpmIsConformant() {
        SwtpmRequired.assertInstalled();
        HsmConfig config = HsmConfig.of(Map.of("provhsm.tpm.simulator.state-dir", temp.resolve("swtpm").toString()));
        assertEveryRuleOfPasses(ConformanceKit.provider("tpm-simulator").config(config).allowIdentityReplacement().execute(), Mechanism.TPM);
    }

    /** A provisioned TPM (an identity key activated before the run) keeps its identity through a run without the opt-in. */
    @Test
    void withoutTheOptInAProvisionedTpmIdentityIsUntouched() {
        SwtpmRequired.assertInstalled();
        HsmConfig config = HsmConfig.of(Map.of("provhsm.tpm.simulator.state-dir", temp.resolve("provisioned").toString()));
        HsmConfig open = config.with(HsmConfig.PROVIDER, "tpm-simulator");
        byte[] data = "the provisioned identity".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] identityKey = new byte[32];
        new java.security.SecureRandom().nextBytes(identityKey);
        try (TpmHsm tpm = Hsms.openTpm(open)) {
            tpm.activateIdentityKey(ActivationBlobBuilder.forTpm(tpm.endorsementKey(), tpm.storageRootKey()).build(identityKey));
        }
        byte[] provisioned = HmacSha256.compute(identityKey, data);

        ConformanceResults results = ConformanceKit.provider("tpm-simulator").config(config).execute();

        results.assertConformant();
        for (Rule rule : ConformanceKit.rules()) {
            if (rule.mechanism() != Mechanism.TPM) {
                continue;
            }
            RuleResult result = results.result(rule.id()).orElseThrow();
            if (rule.replacesIdentity()) {
                assertEquals(Outcome.NOT_APPLICABLE, result.outcome(), results::report);
                assertEquals(ConformanceKit.REPLACES_IDENTITY, result.reason(), results::report);
            } else {
                assertEquals(Outcome.PASS, result.outcome(), results::report);
            }
        }
        assertTrue(results.report().split("\n")[1].startsWith("identity kept: 6 rules not run"), results::report);
        try (TpmHsm tpm = Hsms.openTpm(open)) {
            assertArrayEquals(provisioned, tpm.signWithIdentity(data), "the kit replaced the provisioned identity key");
        }
    }

    @Test
    void tpmProviderOverTctiToARunningSwtpmIsConformant() {
        SwtpmRequired.assertInstalled();
        try (Swtpm swtpm = Swtpm.start(temp.resolve("tcti"))) {
            HsmConfig config = HsmConfig.of(Map.of("provhsm.tpm.transport", "tcti", "provhsm.tpm.tcti", swtpm.tcti()));
            assertEveryRuleOfPasses(ConformanceKit.provider("tpm").config(config).allowIdentityReplacement().execute(), Mechanism.TPM);
        }
    }
}
