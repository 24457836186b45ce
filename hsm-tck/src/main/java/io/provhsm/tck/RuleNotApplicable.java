package io.provhsm.tck;

/** Thrown by a rule's check when the rule does not concern this provider; the message says why. */
public final class RuleNotApplicable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuleNotApplicable(String reason) {
        super(reason, null, false, false);
    }
}
