package io.provhsm.cli;

import io.provhsm.HsmConfigException;
import io.provhsm.spi.HsmConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that talks to a provider takes. */
public class CommonOptions {
    /** What a setting's key looks like: only an argument of this shape is ever echoed. */

    @Option(names = "--provider", paramLabel = "NAME", description = "provider to use (else provhsm.provider / PROVHSM_PROVIDER, else the one available)")
    String provider;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "a setting with its full key, e.g. provhsm.dice.profile=riot (repeatable)")
    List<String> config = List.of();

    @Option(names = "--json", description = "print one JSON object on stdout")
    boolean json;

    /** The settings of this process overlaid with --config and --provider. */
    public HsmConfig hsmConfig() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String entry : config) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                // never the value: an entry without its key (or '=') may be a secret pasted on its own
                throw new HsmConfigException(eq == 0 ? "--config takes KEY=VALUE; an argument has no key before '='"
                        : HsmConfig.isSettingKey(entry) ? "--config '" + entry + "' is not KEY=VALUE"
                        : "--config takes KEY=VALUE; an argument has no '=' (not shown)");
            }
            values.put(entry.substring(0, eq).strip(), entry.substring(eq + 1));
        }
        if (provider != null) {
            values.put(HsmConfig.PROVIDER, provider);
        }
        return HsmConfig.fromEnvironment().with(values);
    }

    public boolean json() {
        return json;
    }
}
