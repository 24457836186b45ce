package io.provhsm.tpm;

import com.google.auto.service.AutoService;
import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import io.provhsm.tpm.transport.TctiTransport;
import java.util.Set;

/**
 * {@code tpm}: a TPM 2.0 reached through tpm2-tss ({@code tcti}), Windows TBS ({@code tbs}) or a simulator's
 * TCP port ({@code tcp}); see {@link TpmSettings}.
 */
@AutoService(HsmProvider.class)
public final class TpmProvider implements HsmProvider {

    @Override
    public String name() {
        return "tpm";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return Set.of(Mechanism.TPM);
    }

    @Override
    public Availability availability(HsmConfig config) {
        String transport;
        try {
            transport = TpmSettings.transportName(config);
        } catch (HsmConfigException e) {
            return Availability.unavailable(e.getMessage());
        }
        switch (transport) {
            case "tcp":
                return config.get(TpmSettings.TCP)
                        .map(address -> Availability.available("TPM simulator over tcp " + address))
                        .orElseGet(() -> Availability.unavailable("transport tcp needs " + TpmSettings.TCP + "=host:port"));
            case "tbs":
                return com.sun.jna.Platform.isWindows() ? Availability.available("Windows TPM Base Services")
                        : Availability.unavailable("transport tbs (Windows TPM Base Services) needs Windows");
            default:
                String missing = TctiTransport.unavailableReason(config.get(TpmSettings.TCTI_LIBRARY).orElse(null));
                if (missing != null) {
                    return Availability.unavailable(missing);
                }
                boolean chosen = config.get(TpmSettings.TCTI).isPresent() || System.getenv("TPM2TOOLS_TCTI") != null
                        || System.getenv("TCTI") != null;
                if (!chosen && !TpmSettings.tpmDevicePresent()) {
                    return Availability.unavailable("no TPM device (/dev/tpmrm0, /dev/tpm0) and no TCTI chosen ("
                            + TpmSettings.TCTI + ", TPM2TOOLS_TCTI, TCTI) or simulator address (" + TpmSettings.TCP + ")");
                }
                return Availability.available("tpm2-tss TCTI " + TpmSettings.tctiConfiguration(config));
        }
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        if (mechanism != Mechanism.TPM) {
            throw new NoProviderException("provider 'tpm' serves TPM only, not " + mechanism);
        }
        return TpmDeviceHsm.open(TpmSettings.transport(config), null, TpmSettings.stateDir(config));
    }
}
