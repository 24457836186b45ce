package io.provhsm.tck.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.ConformanceKit;
import io.provhsm.tck.ProviderConformanceTest;
import io.provhsm.tck.Rule;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.TestAbortedException;

/**
 * The vendor base class run by JUnit itself (EngineTestKit), from another package as a vendor's test would be:
 * against a provider that breaks one rule, exactly that rule's dynamic test fails, naming the rule.
 */
class VendorBaseClassRunTest {
    private static final String BROKEN_RULE = "x509.contract.leaf-cn-is-registration-id";

    /** A vendor's subclass bound to the wrong-common-name provider. Not named *Test: surefire must not run it on its own. */
    static class WrongCommonNameConformance extends ProviderConformanceTest {
        @Override
        protected String providerName() {
            return "broken-wrong-cn";
        }

        @Override
        protected HsmConfig config() {
            return HsmConfig.of(Map.of());
        }
    }

    /** The same for the correct software provider. */
    static class CorrectX509Conformance extends ProviderConformanceTest {
        @Override
        protected String providerName() {
            return "test-x509";
        }
    }

    /** A symmetric-key provider as a vendor would test it on a provisioned device: the default, no replacement. */
    static class SymmetricKeyConformance extends ProviderConformanceTest {
        @Override
        protected String providerName() {
            return "test-symmetric";
        }
    }

    /** The same, opted in (the test provider's identity is in memory: a throwaway). */
    static class SymmetricKeyReplacingConformance extends SymmetricKeyConformance {
        @Override
        protected boolean allowIdentityReplacement() {
            return true;
        }
    }

    private static Events dynamicTests(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    @Test
    void onlyTheBrokenRulesDynamicTestFailsAndItsMessageNamesTheRule() {
        Events tests = dynamicTests(WrongCommonNameConformance.class);
        List<String> all = ConformanceKit.rules().stream().map(Rule::id).toList();

        assertTrue(tests.started().count() >= 1, "the base class produced no dynamic test");
        assertEquals(all, names(tests.started()), "one dynamic test per rule, in the kit's order");
        assertEquals(tests.started().count(), tests.finished().count(), "every dynamic test finished");

        List<Event> failed = tests.failed().list();
        assertEquals(List.of(BROKEN_RULE), names(tests.failed()), () -> "failed: " + messages(tests.failed()));
        String message = failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage();
        assertTrue(message.startsWith(BROKEN_RULE + ": ") && message.contains("leaf CN 'someone-else'"), message);

        // the others: x509 rules pass; the other mechanisms' rules are aborted as not applicable, with the kit's reason
        Set<String> x509 = all.stream().filter(id -> id.startsWith("x509.") && !id.equals(BROKEN_RULE)).collect(Collectors.toSet());
        assertEquals(x509, Set.copyOf(names(tests.succeeded())));
        tests.aborted().stream().forEach(event -> {
            Throwable why = event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            assertTrue(why instanceof TestAbortedException && why.getMessage().startsWith("provider serves [X509], not "),
                    event.getTestDescriptor().getDisplayName() + ": " + why);
        });
        assertEquals(all.size() - 1 - x509.size(), tests.aborted().count());
    }

    @Test
    void aCorrectProviderGetsOnePassingTestPerItsRulesAndNoFailure() {
        Events tests = dynamicTests(CorrectX509Conformance.class);
        assertEquals(ConformanceKit.rules().size(), tests.started().count());
        assertEquals(0, tests.failed().count(), () -> messages(tests.failed()));
        assertTrue(names(tests.succeeded()).stream().allMatch(id -> id.startsWith("x509.")));
        assertEquals(ConformanceKit.rules().stream().filter(r -> r.id().startsWith("x509.")).count(), tests.succeeded().count());
    }

    @Test
    void identityReplacingRulesAreAbortedUnlessTheSubclassOptsIn() {
        Set<String> replacing = ConformanceKit.rules().stream().filter(r -> r.id().startsWith("symmetric-key.") && r.replacesIdentity())
                .map(Rule::id).collect(Collectors.toSet());
        assertEquals(3, replacing.size(), replacing::toString);
        Events kept = dynamicTests(SymmetricKeyConformance.class);
        assertEquals(0, kept.failed().count(), () -> messages(kept.failed()));
        Set<String> abortedToKeepIdentity = kept.aborted().stream().filter(event -> event.getRequiredPayload(TestExecutionResult.class)
                .getThrowable().orElseThrow().getMessage().equals(ConformanceKit.REPLACES_IDENTITY))
                .map(event -> event.getTestDescriptor().getDisplayName()).collect(Collectors.toSet());
        assertEquals(replacing, abortedToKeepIdentity);

        Events replaced = dynamicTests(SymmetricKeyReplacingConformance.class);
        assertEquals(0, replaced.failed().count(), () -> messages(replaced.failed()));
        assertTrue(names(replaced.succeeded()).containsAll(replacing), () -> names(replaced.succeeded()).toString());
    }

    private static List<String> names(Events events) {
        return events.stream().map(event -> event.getTestDescriptor().getDisplayName()).toList();
    }

    private static String messages(Events events) {
        return events.stream().map(event -> event.getTestDescriptor().getDisplayName() + ": "
                + event.getRequiredPayload(TestExecutionResult.class).getThrowable().map(Throwable::getMessage).orElse(""))
                .collect(Collectors.joining("; "));
    }
}
