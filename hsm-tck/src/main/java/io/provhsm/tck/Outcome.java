package io.provhsm.tck;

/** What one rule concluded about a provider. */
public enum Outcome {
    PASS,
    FAIL,
    /** The rule does not concern this provider (another mechanism, or a capability it does not claim). */
    NOT_APPLICABLE
}
