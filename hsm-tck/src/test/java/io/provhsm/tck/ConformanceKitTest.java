package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.NoProviderException;
import io.provhsm.spi.HsmConfig;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kit against the correct software providers (pass) and against each broken one (fails the rule it breaks). */
class ConformanceKitTest {

    private static ConformanceResults run(String provider) {
        // the software test providers keep their identities in memory: nothing worth keeping is replaced
        return ConformanceKit.provider(provider).config(HsmConfig.of(java.util.Map.of())).allowIdentityReplacement().execute();
    }

    @Test
    void correctX509ProviderPassesEveryX509Rule() {
        ConformanceResults results = run("test-x509");
        results.assertConformant();
        List<RuleResult> x509 = results.results().stream().filter(r -> r.ruleId().startsWith("x509.")).toList();
        assertEquals(X509Rules.all().size(), x509.size());
        assertTrue(x509.stream().allMatch(r -> r.outcome() == Outcome.PASS), results::report);
        assertTrue(results.results().stream().filter(r -> !r.ruleId().startsWith("x509."))
                .allMatch(r -> r.outcome() == Outcome.NOT_APPLICABLE), "other mechanisms' rules are not applicable");
    }

    @Test
    void correctSymmetricKeyProviderPassesEverySymmetricKeyRule() {
        ConformanceResults results = run("test-symmetric");
        results.assertConformant();
        assertEquals(SymmetricKeyRules.all().size(), results.count(Outcome.PASS), results::report);
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @CsvSource({
        "broken-wrong-cn,      x509.contract.leaf-cn-is-registration-id,     leaf CN 'someone-else'",
        "broken-wrong-signer,  x509.function.signature-verifies-with-leaf,   does not verify with the leaf certificate's public key",
        "broken-chain-order,   x509.contract.chain-leaf-first,               chain is not leaf-first",
        "broken-key-mismatch,  x509.contract.private-key-matches-leaf,       alias key is not the leaf's private key",
        "broken-forgetful,     x509.persistence.same-identity-after-reopen,  identity lost on reopen",
        "broken-racy,          symmetric-key.robustness.concurrent-use,      unsafe under concurrency",
        "broken-ek,            tpm.contract.endorsement-key-template,        endorsement key is not a TPM2B_PUBLIC",
    })
    void brokenProviderFailsTheRuleItBreaks(String provider, String ruleId, String reason) {
        ConformanceResults results = run(provider);
        assertFalse(results.conformant(), results::report);
        RuleResult result = results.result(ruleId).orElseThrow();
        assertEquals(Outcome.FAIL, result.outcome(), results::report);
        assertTrue(result.reason().contains(reason), () -> "reason: " + result.reason());
        assertTrue(result.line().contains(ruleId) && result.line().startsWith("FAIL"), result::line);
        assertTrue(results.report().contains("FAIL           " + ruleId + ": "), results::report);
    }

    @Test
    void brokenProvidersStillPassTheRulesTheyKeep() {
        // the kit names the broken rule, not everything: a wrong chain order leaves persistence and close intact
        ConformanceResults results = run("broken-chain-order");
        for (String kept : List.of("x509.robustness.use-after-close", "x509.persistence.same-identity-after-reopen",
                "x509.contract.registration-id")) {
            assertEquals(Outcome.PASS, results.result(kept).orElseThrow().outcome(), results::report);
        }
        ConformanceResults racy = run("broken-racy");
        List<String> failed = racy.failures().stream().map(RuleResult::ruleId).collect(Collectors.toList());
        assertEquals(List.of("symmetric-key.robustness.concurrent-use"), failed, racy::report);
    }

    @Test
    void unknownProviderIsANoProviderError() {
        NoProviderException e = assertThrows(NoProviderException.class, () -> run("no-such-provider"));
        assertTrue(e.getMessage().contains("no-such-provider"), e.getMessage());
    }

    @Test
    void junitXmlRecordsEveryRuleWithFailuresAndSkips() {
        ConformanceResults results = run("broken-key-mismatch");
        String xml = results.junitXml();
        assertTrue(xml.contains("tests=\"" + ConformanceKit.rules().size() + "\""), xml);
        assertTrue(xml.contains("<testcase classname=\"provhsm-tck.broken-key-mismatch.x509.contract\" name=\"x509.contract.private-key-matches-leaf\""), xml);
        assertTrue(xml.contains("<failure message=\"alias key is not the leaf&apos;s private key"), xml);
        assertTrue(xml.contains("<skipped message=\"provider serves [X509], not TPM\"/>"), xml);
        assertEquals(results.count(Outcome.FAIL), xml.split("<failure ", -1).length - 1);
    }
}
