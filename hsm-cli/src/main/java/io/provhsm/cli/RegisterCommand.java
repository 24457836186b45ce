package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.Pem;
import io.provhsm.tck.dps.RegistrationClient;
import io.provhsm.tck.dps.RegistrationException;
import io.provhsm.tck.dps.RegistrationResult;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Registers this device with a provisioning service over HTTPS (our minimal client), e.g. the local emulator. */
@Command(name = "register", description = "Register this device with a provisioning service (HTTPS), e.g. `provhsm dps-emulator`.")
final class RegisterCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;
    @Mixin
    MechanismOption mechanismOption;
    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT", description = "the service's global endpoint, e.g. localhost:8443")
    String endpoint;

    @Option(names = "--id-scope", required = true, paramLabel = "SCOPE", description = "the service's ID scope")
    String idScope;

    @Option(names = "--trust-cert", paramLabel = "PEM", description = "the server certificate to trust (else the JVM's trust store)")
    Path trustCert;

    @Option(names = "--poll-interval-ms", paramLabel = "MS", defaultValue = "1000", description = "pause between status polls without Retry-After (default ${DEFAULT-VALUE})")
    long pollIntervalMillis;

    @Override
    public Integer call() throws InterruptedException {
        if (!endpoint.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
            throw new HsmConfigException("--endpoint '" + endpoint + "' is not HOST or HOST:PORT");
        }
        X509Certificate trusted = trustCert == null ? null : readCertificate(trustCert);
        Selection selection = Selection.choose(options.hsmConfig(), mechanismOption.mechanism(), "register");
        RegistrationClient client = new RegistrationClient(endpoint, idScope, trusted, Duration.ofMillis(pollIntervalMillis));
        try (Hsm hsm = selection.open()) {
            RegistrationResult result = client.register(hsm);
            new Report().put("provider", selection.provider().name()).put("mechanism", hsm.mechanism().name())
                    .put("registrationId", result.registrationId()).put("status", result.status())
                    .put("assignedHub", result.assignedHub()).put("deviceId", result.deviceId()).put("polls", result.polls())
                    .print(spec.commandLine().getOut(), options.json());
        } catch (RegistrationException e) {
            throw new HsmException(e.getMessage(), e);
        }
        return ExitCode.OK;
    }

    private static X509Certificate readCertificate(Path file) {
        List<X509Certificate> certificates = Pem.certificates(InputFiles.readString(file, "--trust-cert " + file));
        if (certificates.size() != 1) {
            throw new InvalidInputException("--trust-cert " + file + " holds " + certificates.size() + " certificates; expected 1");
        }
        return certificates.get(0);
    }
}
