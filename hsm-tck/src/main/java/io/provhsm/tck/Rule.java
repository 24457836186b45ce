package io.provhsm.tck;

import io.provhsm.Mechanism;

/**
 * One conformance rule: a check run against a provider's sessions for one mechanism.
 *
 * @param name             short name within its mechanism and suite, e.g. {@code leaf-cn-is-registration-id}
 * @param replacesIdentity the rule installs a kit identity (activates a kit key, calls {@code setKeyInfo}): it runs
 *                         only when the kit is told the device holds no identity worth keeping
 */
public record Rule(Mechanism mechanism, Suite suite, String name, boolean required, boolean replacesIdentity, String description,
                   Check check) {

    /** The body of a rule. Throws {@link RuleViolation} to fail, {@link RuleNotApplicable} to step aside. */
    @FunctionalInterface
    public interface Check {
        void run(RuleContext context) throws Exception;
    }

    /** {@code x509.contract.leaf-cn-is-registration-id}. */
    public String id() {
        return mechanismLabel(mechanism) + "." + suite.label() + "." + name;
    }

    static String mechanismLabel(Mechanism mechanism) {
        return switch (mechanism) {
            case TPM -> "tpm";
            case X509 -> "x509";
            case SYMMETRIC_KEY -> "symmetric-key";
        };
    }

    static Rule required(Mechanism mechanism, Suite suite, String name, String description, Check check) {
        return new Rule(mechanism, suite, name, true, false, description, check);
    }

    /** This rule, marked as one that replaces the device's identity. */
    Rule replacingIdentity() {
        return new Rule(mechanism, suite, name, required, true, description, check);
    }
}
