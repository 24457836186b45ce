package io.provhsm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code provhsm dice ...}: tools of the DICE engine (provider {@code dice}). */
@Command(name = "dice", description = "DICE engine tools: run one layer, issue a group CA verification certificate.",
        subcommands = {DiceLayerCommand.class, DiceVerificationCertCommand.class})
final class DiceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a dice command is required: layer or verification-cert");
    }
}
