package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.Pem;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The Java counterpart of the C SDK's tpm_device_provision and dice_device_enrollment tools. */
@Command(name = "identity", description = {
    "What the provisioning service needs to enrol this device: the registration id; for TPM the endorsement key "
        + "and storage root key (base64); for X.509 the certificate chain (leaf first: individual enrollment) "
        + "and root CA certificate (group enrollment), PEM.",
    "A provider serving several mechanisms (custom) without --mechanism: every one, as a list 'mechanisms'."})
final class IdentityCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;
    @Mixin
    MechanismOption mechanismOption;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Selection selection = Selection.choose(options.hsmConfig(), mechanismOption.mechanism(), "identity");
        Report report = new Report().put("provider", selection.provider().name());
        if (selection.mechanisms().size() == 1) {
            describe(selection, selection.mechanisms().get(0), report);
        } else {
            // a provider serving several (custom): one entry per mechanism, each shaped like a single-mechanism report
            List<Report> entries = new ArrayList<>();
            for (Mechanism mechanism : selection.mechanisms()) {
                entries.add(describe(selection, mechanism, new Report()));
            }
            report.put("mechanisms", entries);
        }
        // printed only once everything was read: an error leaves stdout empty
        report.print(spec.commandLine().getOut(), options.json());
        return ExitCode.OK;
    }

    /** What the service needs for one mechanism: mechanism, registrationId and the mechanism's own keys. */
    private static Report describe(Selection selection, Mechanism mechanism, Report report) {
        try (Hsm hsm = selection.open(mechanism)) {
            report.put("mechanism", hsm.mechanism().name()).put("registrationId", hsm.registrationId());
            if (hsm instanceof TpmHsm tpm) {
                report.put("endorsementKey", Base64.getEncoder().encodeToString(tpm.endorsementKey()));
                report.put("storageRootKey", Base64.getEncoder().encodeToString(tpm.storageRootKey()));
            } else if (hsm instanceof X509Hsm x509) {
                report.put("certificateChain", x509.certificateChain().stream().map(Pem::certificate).toList());
                x509.rootCertificate().ifPresent(root -> report.put("rootCertificate", Pem.certificate(root)));
            }
        }
        return report;
    }
}
