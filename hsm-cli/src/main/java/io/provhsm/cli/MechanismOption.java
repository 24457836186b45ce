package io.provhsm.cli;

import io.provhsm.Mechanism;
import picocli.CommandLine.Option;

/** {@code --mechanism}, for providers that serve several (e.g. {@code custom}). */
public class MechanismOption {

    @Option(names = "--mechanism", paramLabel = "TPM|X509|SYMMETRIC_KEY",
            description = "the mechanism to use, for providers that serve several (without it: identity reports each one;"
                    + " sign asks for it when several can sign)")
    Mechanism mechanism;

    /** The mechanism asked for, or null. */
    public Mechanism mechanism() {
        return mechanism;
    }
}
