package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmException;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.Pem;
import io.provhsm.dice.DiceX509Hsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The proof-of-possession certificate a provisioning service asks for when a group enrollment CA is verified. */
@Command(name = "verification-cert", description = {
    "Prints the verification (proof-of-possession) certificate for a group CA: CN = the code the service shows,"
        + " signed by the root CA key of this DICE identity. Upload it to complete the CA's verification."})
final class DiceVerificationCertCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Option(names = "--code", required = true, paramLabel = "CODE", description = "the verification code from the service")
    String code;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        HsmConfig config = options.hsmConfig();
        HsmProvider provider = Hsms.select(Mechanism.X509, config);
        X509Certificate proof;
        X509Certificate root;
        try (Hsm hsm = Hsms.open(provider, Mechanism.X509, config)) {
            if (!(hsm instanceof DiceX509Hsm dice)) {
                throw new HsmException("provider '" + provider.name() + "' cannot issue verification certificates;"
                        + " use --provider dice");
            }
            proof = dice.verificationCertificate(code);
            root = dice.rootCertificate().orElseThrow();
        }
        if (options.json()) {
            new Report().put("verificationCertificate", Pem.certificate(proof)).put("rootCertificate", Pem.certificate(root))
                    .print(spec.commandLine().getOut(), true);
        } else {
            spec.commandLine().getOut().print(Pem.certificate(proof));
            spec.commandLine().getOut().flush();
        }
        return ExitCode.OK;
    }
}
