package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmException;
import io.provhsm.Hsms;
import io.provhsm.InvalidInputException;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Data data;

    static final class Data {
        @Option(names = "--data-hex", paramLabel = "HEX", description = "the data, hex")
        String hex;
        @Option(names = "--data-file", paramLabel = "FILE", description = "the data, read from a file")
        Path file;
    }

    @Override
    public Integer call() {
        byte[] bytes = readData();
        HsmConfig config = options.hsmConfig();
        HsmProvider provider = Hsms.select(null, config);
        byte[] signature;
        try (Hsm hsm = Hsms.open(provider, provider.mechanisms().stream().sorted().findFirst().orElseThrow(), config)) {
            if (hsm instanceof TpmHsm tpm) {
                signature = tpm.signWithIdentity(bytes);
            } else if (hsm instanceof SymmetricKeyHsm key) {
                signature = key.sign(bytes);
            } else {
                throw new HsmException("provider '" + provider.name() + "' serves " + hsm.mechanism()
                        + ", which signs through TLS, not sign: use a TPM or symmetric-key provider");
            }
            new Report().put("provider", provider.name()).put("mechanism", hsm.mechanism().name())
                    .put("registrationId", hsm.registrationId()).put("signature", HexFormat.of().formatHex(signature))
                    .print(spec.commandLine().getOut(), options.json());
        }
        return ExitCode.OK;
    }

    private byte[] readData() {
        if (data.hex != null) {
            try {
                return HexFormat.of().parseHex(data.hex.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--data-hex is not hex (" + data.hex.length() + " characters)");
            }
        }
        try {
            return Files.readAllBytes(data.file);
        } catch (IOException e) {
            throw new InvalidInputException("--data-file " + data.file + " cannot be read: " + e);
        }
    }
}
