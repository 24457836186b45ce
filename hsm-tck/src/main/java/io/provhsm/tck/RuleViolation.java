package io.provhsm.tck;

/** Thrown by a rule's check when the provider breaks the rule; the message is the reason recorded. */
public final class RuleViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuleViolation(String reason) {
        super(reason, null, false, false);
    }

    public RuleViolation(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
