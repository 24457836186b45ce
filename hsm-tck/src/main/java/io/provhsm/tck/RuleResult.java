package io.provhsm.tck;

import io.provhsm.Mechanism;
import java.time.Duration;
import java.util.Objects;

/**
 * What the kit recorded for one rule: the outcome and, for FAIL or NOT_APPLICABLE, why.
 *
 * @param ruleId   stable id, {@code mechanism.suite.name}, e.g. {@code x509.contract.leaf-cn-is-registration-id}
 * @param required whether a FAIL makes the provider non-conformant
 */
public record RuleResult(String provider, String ruleId, Mechanism mechanism, Suite suite, boolean required,
                         String description, Outcome outcome, String reason, Duration duration) {

    public RuleResult {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(outcome, "outcome");
        reason = reason == null ? "" : reason;
    }

    public boolean failed() {
        return outcome == Outcome.FAIL;
    }

    /** One line for people: {@code FAIL x509.contract.chain-leaf-first: certificate #0 ...}. */
    public String line() {
        String text = String.format("%-14s %s", outcome.name(), ruleId);
        if (!reason.isEmpty()) {
            text += ": " + reason;
        }
        if (outcome == Outcome.FAIL && !required) {
            text += " (optional)";
        }
        return text;
    }
}
