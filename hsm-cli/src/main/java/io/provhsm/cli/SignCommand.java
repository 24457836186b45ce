package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sign", description = "The identity's signature over data (HMAC-SHA256 for TPM and symmetric key), hex.")
final class SignCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;
    @Mixin
    MechanismOption mechanismOption;
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Data data;

    static final class Data extends InputOption {
        @Option(names = "--data-hex", paramLabel = "HEX", description = "the data, hex")
        String hex;
        @Option(names = "--data-file", paramLabel = "FILE", description = "the data, read from a file")
        Path file;

        @Override
        String text() {
            return hex;
        }

        @Override
        Path file() {
            return file;
        }

        @Override
        String textOption() {
            return "--data-hex";
        }

        @Override
        String fileOption() {
            return "--data-file";
        }

        @Override
        byte[] decode(String text, String source) {
            return hex(text, source);
        }
    }

    @Override
    public Integer call() {
        byte[] bytes = data.bytes();
        Selection selection = Selection.choose(options.hsmConfig(), mechanismOption.mechanism(),
                EnumSet.of(Mechanism.TPM, Mechanism.SYMMETRIC_KEY), "sign");
        Report report = new Report().put("provider", selection.provider().name());
        try (Hsm hsm = selection.open()) {
            byte[] signature = hsm instanceof TpmHsm tpm ? tpm.signWithIdentity(bytes) : ((SymmetricKeyHsm) hsm).sign(bytes);
            report.put("mechanism", hsm.mechanism().name()).put("registrationId", hsm.registrationId())
                    .put("signature", HexFormat.of().formatHex(signature));
        }
        report.print(spec.commandLine().getOut(), options.json());
        return ExitCode.OK;
    }
}
