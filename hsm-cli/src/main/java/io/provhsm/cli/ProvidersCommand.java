package io.provhsm.cli;

import io.provhsm.Hsms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "providers", description = "Each provider found, its mechanisms, and whether it can run here (and why not).")
final class ProvidersCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Hsms.ProviderInfo> infos = Hsms.survey(options.hsmConfig());
        var out = spec.commandLine().getOut();
        if (options.json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Hsms.ProviderInfo info : infos) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", info.name());
                entry.put("mechanisms", info.mechanisms().stream().sorted().map(Enum::name).toList());
                entry.put("available", info.availability().available());
                entry.put("selectableByDefault", info.provider().selectableByDefault());
                entry.put("reason", info.availability().reason());
                entry.put("location", info.location());
                list.add(entry);
            }
            new Report().put("providers", list).print(out, true);
        } else {
            if (infos.isEmpty()) {
                out.println("no provider found on the class path");
            }
            for (Hsms.ProviderInfo info : infos) {
                out.printf("%-16s %-24s %s: %s%n", info.name(), info.mechanisms().stream().sorted().toList(),
                        !info.availability().available() ? "unavailable"
                                : info.provider().selectableByDefault() ? "available" : "available when named",
                        info.availability().reason());
            }
            out.flush();
        }
        return ExitCode.OK;
    }
}
