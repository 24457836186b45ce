package io.provhsm.cli;

import io.provhsm.Hsms;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** TPM-only operations. */
@Command(name = "tpm", description = "TPM 2.0 operations.", subcommands = TpmCommand.Activate.class)
final class TpmCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a tpm command is required (activate)");
    }

    /** The C SDK's activate_identity_key: imports the key the service sealed to this TPM and persists it. */
    @Command(name = "activate", description = "Activate the identity key from the service's authenticationKey blob"
            + " and persist it in the TPM (replacing the previous one only once the new one is loaded).")
    static final class Activate implements Callable<Integer> {
        @Mixin
        CommonOptions options;
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Blob blob;

        static final class Blob {
            @Option(names = "--blob", paramLabel = "BASE64", description = "the blob as the service sends it (base64)")
            String base64;
            @Option(names = "--blob-file", paramLabel = "FILE", description = "a file holding the blob, binary or base64")
            Path file;
        }

        @Override
        public Integer call() {
            byte[] bytes = blob.base64 != null ? decode(blob.base64, "--blob") : readFile(blob.file);
            try (TpmHsm tpm = Hsms.openTpm(options.hsmConfig())) {
                tpm.activateIdentityKey(bytes);
                new Report().put("registrationId", tpm.registrationId()).put("identityKeyHandle", "0x81000100")
                        .put("activated", true)
                        .print(spec.commandLine().getOut(), options.json());
            }
            return ExitCode.OK;
        }

        private static byte[] readFile(Path file) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new InvalidInputException("--blob-file " + file + " cannot be read: " + e.getMessage());
            }
            // a binary blob starts with a size byte outside the base64 alphabet; text is base64
            return isBase64Text(content) ? decode(new String(content, java.nio.charset.StandardCharsets.US_ASCII), "--blob-file " + file)
                    : content;
        }

        private static boolean isBase64Text(byte[] content) {
            if (content.length == 0) {
                return false;
            }
            for (byte b : content) {
                boolean base64 = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                        || b == '+' || b == '/' || b == '=' || b == '\n' || b == '\r' || b == ' ' || b == '\t';
                if (!base64) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] decode(String text, String source) {
            try {
                return Base64.getMimeDecoder().decode(text.strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(source + " is not valid base64: " + e.getMessage());
            }
        }
    }
}
