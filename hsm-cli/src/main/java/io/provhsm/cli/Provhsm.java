package io.provhsm.cli;

import io.provhsm.spi.HsmConfig;
import io.provhsm.HsmConfigException;
import io.provhsm.InvalidInputException;
import io.provhsm.NoProviderException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code provhsm} command: what a provisioning service needs to enrol this device, and more. */
@Command(name = "provhsm", mixinStandardHelpOptions = true, version = "provhsm 0.1.0",
        description = "Device identity for provisioning services: TPM 2.0, X.509 (DICE), symmetric key, custom HSM.",
        // one line per subcommand; each is a class in this package
        subcommands = {
            ProvidersCommand.class,
            IdentityCommand.class,
            SignCommand.class,
            TpmCommand.class,
            DiceCommand.class,
            RegisterCommand.class,
            DpsEmulatorCommand.class,
        })
public final class Provhsm implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces of errors")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    public static void main(String[] args) {
        // warnings of the library (System.Logger -> java.util.logging) as one line on stderr
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "provhsm: %4$s: %5$s%6$s%n");
        }
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given streams and returns its exit code (used by tests in-process too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Provhsm root = new Provhsm();
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(Provhsm::exitCode);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        withHelpOptions(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("provhsm: " + message(e));
            if (root.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return exitCode(e);
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            err.println("provhsm: " + usageMessage(e) + " (try: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return ExitCode.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        return code;
    }

    /** -h/--help (and -V) on every subcommand, at any depth, without each class declaring them. */
    private static void withHelpOptions(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelpOptions(sub);
        }
    }

    static int exitCode(Throwable e) {
        if (e instanceof NoProviderException) {
            return ExitCode.NO_PROVIDER;
        }
        if (e instanceof HsmConfigException || e instanceof InvalidInputException || e instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        return ExitCode.HSM_FAILURE;
    }

    /**
     * A usage error as one line. Arguments picocli did not match are not echoed as picocli would: a mistyped
     * {@code --confg KEY=SECRET} must not print the secret. Options are named, and of a KEY=VALUE argument only the key.
     */
    static String usageMessage(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) {
            return oneLine(e.getMessage());
        }
        List<String> shown = unmatched.getUnmatched().stream().map(Provhsm::withoutValue).toList();
        String message = (shown.size() == 1 ? "unknown option or argument: " : "unknown options or arguments: ")
                + String.join(" ", shown);
        List<String> suggestions = unmatched.getSuggestions().stream().filter(s -> s.startsWith("-")).limit(3).toList();
        return suggestions.isEmpty() ? message : message + "; did you mean " + String.join(" or ", suggestions) + "?";
    }

    /**
     * An argument as it may be shown: an option's name, a setting's key; anything else may be a secret (base64
     * ends in '=', so "has a '='" does not make it KEY=VALUE).
     */
    static String withoutValue(String argument) {
        int eq = argument.indexOf('=');
        String name = eq < 0 ? argument : argument.substring(0, eq);
        if (argument.startsWith("-") || HsmConfig.isSettingKey(name)) {
            return eq < 0 ? argument : name + "=(value not shown)";
        }
        return "(an argument, not shown)";
    }

    /** The error as one line: its message (or type, if it has none), line breaks folded. */
    static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // a state or argument error (e.g. signing before activation) is written for the user: its message says it;
        // an unexpected exception (a provider's bug) keeps its type: the message alone may not say much
        boolean explained = e instanceof io.provhsm.HsmException || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException;
        return explained ? oneLine(message) : e.getClass().getSimpleName() + ": " + oneLine(message);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
