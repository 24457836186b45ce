package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    /** Larger inputs are not what a SAS token or challenge needs; refuse rather than fill memory. */
    static final long MAX_DATA = 16 * 1024 * 1024;

    @Mixin
    CommonOptions options;
    @Mixin
    MechanismOption mechanismOption;
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

    private byte[] readData() {
        if (data.hex != null) {
            try {
                return HexFormat.of().parseHex(data.hex.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--data-hex is not hex (" + data.hex.strip().length()
                        + " characters; two hex digits per byte)");
            }
        }
        Path file = data.file;
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException("--data-file " + file + " is a directory");
            }
            if (Files.size(file) > MAX_DATA) {
                throw new InvalidInputException("--data-file " + file + " is " + Files.size(file) + " bytes; at most " + MAX_DATA);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--data-file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new InvalidInputException("--data-file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new InvalidInputException("--data-file " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
