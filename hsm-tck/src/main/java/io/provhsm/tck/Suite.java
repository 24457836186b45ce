package io.provhsm.tck;

/** The four groups of rules, each asking one kind of question. */
public enum Suite {
    /** Does each value have the form the service requires? */
    CONTRACT,
    /** Does the identity work with the service: activation, SAS, TLS client authentication? */
    FUNCTION,
    /** Does bad input, misuse or contention leave the device correct? */
    ROBUSTNESS,
    /** Does the identity survive closing and reopening? */
    PERSISTENCE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
