package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * The provider and mechanism a command works with, chosen from {@code --provider}, {@code --config} and
 * {@code --mechanism}: the one way commands open a session.
 */
record Selection(HsmProvider provider, Mechanism mechanism, HsmConfig config) {

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
        Mechanism mechanism = provider.mechanisms().stream().filter(wanted::contains).sorted().findFirst().orElseThrow();
        return new Selection(provider, mechanism, config);
    }

    /** Any mechanism the selected provider serves. */
    static Selection choose(HsmConfig config, Mechanism requested, String command) {
        return choose(config, requested, EnumSet.allOf(Mechanism.class), command);
    }

    /** Opens the session; the caller closes it. */
    Hsm open() {
        return Hsms.open(provider, mechanism, config);
    }
}
