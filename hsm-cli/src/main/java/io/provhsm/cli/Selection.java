package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The provider and mechanisms a command works with, chosen from {@code --provider}, {@code --config} and
 * {@code --mechanism}: the one way commands open a session. Without {@code --mechanism}, the mechanisms are every
 * one the provider serves here that the command can use (several for e.g. {@code custom}).
 */
record Selection(HsmProvider provider, List<Mechanism> mechanisms, HsmConfig config, String command) {

    /**
     * @param requested the {@code --mechanism} given, or null
     * @param usable    the mechanisms the command can work with
     * @param command   the command, for messages ("sign")
     * @throws HsmConfigException            if {@code requested} is not usable by the command (exit 2)
     * @throws io.provhsm.NoProviderException if no provider fits (exit 3)
     */
    static Selection choose(HsmConfig config, Mechanism requested, Set<Mechanism> usable, String command) {
        if (requested != null && !usable.contains(requested)) {
            throw new HsmConfigException("--mechanism " + requested + " cannot be used by " + command + "; it takes "
                    + String.join(" or ", usable.stream().sorted().map(Mechanism::name).toList()));
        }
        Set<Mechanism> wanted = requested != null ? EnumSet.of(requested) : usable;
        HsmProvider provider = Hsms.selectForAny(wanted.equals(EnumSet.allOf(Mechanism.class)) ? Set.of() : wanted, config);
        if (requested != null) {
            return new Selection(provider, List.of(requested), config, command);
        }
        List<Mechanism> served = provider.mechanisms(config).stream().filter(wanted::contains).sorted().toList();
        if (served.isEmpty()) {
            throw new NoProviderException("provider '" + provider.name() + "' serves none of " + names(wanted)
                    + " here; it serves " + provider.mechanisms(config));
        }
        return new Selection(provider, served, config, command);
    }

    /** Any mechanism the selected provider serves. */
    static Selection choose(HsmConfig config, Mechanism requested, String command) {
        return choose(config, requested, EnumSet.allOf(Mechanism.class), command);
    }

    /**
     * The one mechanism, for commands that work with one ({@code sign}, {@code register}).
     *
     * @throws HsmConfigException if the provider serves several the command can use: which one is the user's choice
     */
    Mechanism single() {
        if (mechanisms.size() == 1) {
            return mechanisms.get(0);
        }
        throw new HsmConfigException("provider '" + provider.name() + "' serves " + names(mechanisms) + " for " + command
                + "; choose one with " + mechanisms.stream().map(m -> "--mechanism " + m).collect(Collectors.joining(" or ")));
    }

    /** Opens a session for the {@link #single()} mechanism; the caller closes it. */
    Hsm open() {
        return open(single());
    }

    /** Opens a session for one of {@link #mechanisms()}; the caller closes it. */
    Hsm open(Mechanism mechanism) {
        return Hsms.open(provider, mechanism, config);
    }

    private static String names(java.util.Collection<Mechanism> mechanisms) {
        return mechanisms.stream().sorted().map(Mechanism::name).collect(Collectors.joining(", "));
    }
}
