package io.provhsm.tck;

import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the conformance rules against one provider in isolation and returns what it recorded, in the
 * manner of JUnit's {@code EngineTestKit}:
 *
 * <pre>{@code
 * ConformanceResults results = ConformanceKit.provider("dice")
 *         .config(HsmConfig.fromEnvironment())
 *         .execute();
 * results.assertConformant();
 * }</pre>
 *
 * Rules run one after another; each opens and closes its own sessions. Rules of a mechanism the provider
 * does not serve are recorded as NOT_APPLICABLE, and so are the rules that replace the device's identity unless
 * {@link #allowIdentityReplacement()} is called.
 */
public final class ConformanceKit {
    private final String providerName;
    private HsmConfig config = HsmConfig.fromEnvironment();
    private ClassLoader classLoader;
    private Duration ruleTimeout = Duration.ofSeconds(90);
    private Set<Mechanism> mechanisms = EnumSet.allOf(Mechanism.class);
    private boolean identityReplacementAllowed;

    /** Why an identity-replacing rule did not run. */
    public static final String REPLACES_IDENTITY =
            "replaces the device's identity; run with --allow-identity-replacement on a device that is not provisioned";

    private ConformanceKit(String providerName) {
        this.providerName = Objects.requireNonNull(providerName, "providerName");
    }

    /** The kit for the provider registered under {@code name}. */
    public static ConformanceKit provider(String name) {
        return new ConformanceKit(name);
    }

    /** Settings the provider is opened with (the provider name is added by the kit). */
    public ConformanceKit config(HsmConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return this;
    }

    /** Where to look for the provider (a vendor jar's class loader); default: the thread's context class loader. */
    public ConformanceKit classLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
        return this;
    }

    /**
     * Only these mechanisms are tested (default: every one the provider serves); rules of the others are
     * NOT_APPLICABLE, with the reason saying they were not selected.
     */
    public ConformanceKit mechanisms(Set<Mechanism> mechanisms) {
        if (mechanisms.isEmpty()) {
            throw new IllegalArgumentException("no mechanism selected");
        }
        this.mechanisms = EnumSet.copyOf(mechanisms);
        return this;
    }

    /**
     * Also runs the rules that replace the device's identity (they activate kit keys or call {@code setKeyInfo}, as a
     * registration would): only for a device that is not provisioned, or a throwaway identity such as a simulator's
     * temporary state. Without it, an identity persisted on the device is never touched.
     */
    public ConformanceKit allowIdentityReplacement() {
        this.identityReplacementAllowed = true;
        return this;
    }

    /** How long one rule may take before it fails as hung; default 90 s. */
    public ConformanceKit ruleTimeout(Duration timeout) {
        this.ruleTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Every rule the kit knows, for all mechanisms. */
    public static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        rules.addAll(TpmRules.all());
        rules.addAll(X509Rules.all());
        rules.addAll(SymmetricKeyRules.all());
        return rules;
    }

    /**
     * Runs every rule and returns the results.
     *
     * @throws io.provhsm.NoProviderException if no provider has the name, two claim it, or it cannot run here
     */
    public ConformanceResults execute() {
        ClassLoader loader = classLoader != null ? classLoader : contextLoader();
        HsmConfig effective = config.with(HsmConfig.PROVIDER, providerName);
        HsmProvider provider = Hsms.select(null, effective, loader);
        List<RuleResult> results = new ArrayList<>();
        for (Rule rule : rules()) {
            results.add(run(rule, provider, effective, loader));
        }
        return new ConformanceResults(providerName, results, identityReplacementAllowed);
    }

    private RuleResult run(Rule rule, HsmProvider provider, HsmConfig effective, ClassLoader loader) {
        if (!provider.mechanisms().contains(rule.mechanism())) {
            return result(rule, Outcome.NOT_APPLICABLE, "provider serves " + provider.mechanisms() + ", not " + rule.mechanism(), 0);
        }
        if (!mechanisms.contains(rule.mechanism())) {
            return result(rule, Outcome.NOT_APPLICABLE, rule.mechanism() + " not selected (selected: " + mechanisms + ")", 0);
        }
        if (rule.replacesIdentity() && !identityReplacementAllowed) {
            return result(rule, Outcome.NOT_APPLICABLE, REPLACES_IDENTITY, 0);
        }
        long start = System.nanoTime();
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tck-" + rule.id());
            thread.setDaemon(true);
            thread.setContextClassLoader(loader);
            return thread;
        });
        try (RuleContext context = new RuleContext(provider, rule.mechanism(), effective, identityReplacementAllowed)) {
            Future<?> future = executor.submit(() -> {
                rule.check().run(context);
                return null;
            });
            try {
                future.get(ruleTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return result(rule, Outcome.PASS, "", start);
            } catch (ExecutionException e) {
                return fromFailure(rule, e.getCause(), start);
            } catch (TimeoutException e) {
                future.cancel(true);
                return result(rule, Outcome.FAIL, "did not finish within " + ruleTimeout.toSeconds() + " s (hung)", start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result(rule, Outcome.FAIL, "interrupted", start);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private RuleResult fromFailure(Rule rule, Throwable cause, long start) {
        if (cause instanceof RuleNotApplicable notApplicable) {
            return result(rule, Outcome.NOT_APPLICABLE, notApplicable.getMessage(), start);
        }
        if (cause instanceof RuleViolation violation) {
            return result(rule, Outcome.FAIL, violation.getMessage(), start);
        }
        return result(rule, Outcome.FAIL, "unexpected " + cause.getClass().getName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), start);
    }

    private RuleResult result(Rule rule, Outcome outcome, String reason, long start) {
        Duration duration = start == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        return new RuleResult(providerName, rule.id(), rule.mechanism(), rule.suite(), rule.required(), rule.description(),
                outcome, reason, duration);
    }

    private static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : ConformanceKit.class.getClassLoader();
    }

}
