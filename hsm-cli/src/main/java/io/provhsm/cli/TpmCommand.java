package io.provhsm.cli;

import io.provhsm.Hsms;
import io.provhsm.TpmHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

        static final class Blob extends InputOption {
            @Option(names = "--blob", paramLabel = "BASE64", description = "the blob as the service sends it (base64)")
            String base64;
            @Option(names = "--blob-file", paramLabel = "FILE", description = "a file holding the blob, binary or base64")
            Path file;

            @Override
            String text() {
                return base64;
            }

            @Override
            Path file() {
                return file;
            }

            @Override
            String textOption() {
                return "--blob";
            }

            @Override
            String fileOption() {
                return "--blob-file";
            }

            @Override
            byte[] decode(String text, String source) {
                return base64(text, source);
            }

            /** A binary blob starts with a size byte outside the base64 alphabet; text is base64. */
            @Override
            byte[] fromFile(byte[] content, String source) {
                return isBase64Text(content) ? base64(new String(content, StandardCharsets.US_ASCII), source) : content;
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
        }

        @Override
        public Integer call() {
            byte[] bytes = blob.bytes();
            try (TpmHsm tpm = Hsms.openTpm(options.hsmConfig())) {
                tpm.activateIdentityKey(bytes);
                new Report().put("registrationId", tpm.registrationId()).put("identityKeyHandle", "0x81000100")
                        .put("activated", true)
                        .print(spec.commandLine().getOut(), options.json());
            }
            return ExitCode.OK;
        }
    }
}
