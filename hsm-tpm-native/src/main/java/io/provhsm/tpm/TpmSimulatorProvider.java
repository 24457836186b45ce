package io.provhsm.tpm;

import com.google.auto.service.AutoService;
import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TctiTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code tpm-simulator}: starts its own swtpm on a free loopback port, with its state kept under the user's
 * data directory (so the EK is the same on every run), and stops it when the session closes. Like the C SDK's
 * {@code tpm_simulator} build switch; never picked unless named.
 */
@AutoService(HsmProvider.class)
public final class TpmSimulatorProvider implements HsmProvider {

    @Override
    public String name() {
        return "tpm-simulator";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return Set.of(Mechanism.TPM);
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    @Override
    public Availability availability(HsmConfig config) {
        return Swtpm.executable()
                .map(exe -> Availability.available("swtpm " + exe + ", state in " + TpmSettings.simulatorStateDir(config)))
                .orElseGet(() -> Availability.unavailable("swtpm is not installed (no 'swtpm' on the PATH);"
                        + " install the Debian packages swtpm and swtpm-tools"));
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        if (mechanism != Mechanism.TPM) {
            throw new NoProviderException("provider 'tpm-simulator' serves TPM only, not " + mechanism);
        }
        String transportName = config.choice(TpmSettings.SIMULATOR_TRANSPORT, "tcp", Set.of("tcp", "tcti"));
        Path stateDir = TpmSettings.simulatorStateDir(config);
        Path identityStateDir = TpmSettings.stateDir(config);
        Swtpm swtpm = Swtpm.start(stateDir);
        TpmTransport transport;
        try {
            transport = transportName.equals("tcti")
                    ? new TctiTransport(swtpm.tcti(), config.get(TpmSettings.TCTI_LIBRARY).orElse(null))
                    : new TcpTransport("127.0.0.1", swtpm.dataPort(), TpmSettings.timeoutMillis(config));
        } catch (RuntimeException e) {
            swtpm.stop();
            throw e;
        }
        return TpmDeviceHsm.open(transport, swtpm, identityStateDir);
    }
}
