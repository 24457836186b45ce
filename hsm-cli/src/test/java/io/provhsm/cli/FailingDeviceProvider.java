package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmUnavailableException;
import io.provhsm.Mechanism;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * Test-scope provider "failing-device": it probes as available and its device then fails to open, the path
 * that must end in exit code 4. Never picked unless named.
 */
public final class FailingDeviceProvider implements HsmProvider {
    static final String MESSAGE = "device at /dev/fake-hsm0 did not answer within 2 s";

    @Override
    public String name() {
        return "failing-device";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.TPM);
    }

    @Override
    public Availability availability(HsmConfig config) {
        return Availability.available("test provider: always probes available");
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        throw new HsmUnavailableException(MESSAGE);
    }
}
