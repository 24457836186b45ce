package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmException;
import io.provhsm.Mechanism;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import io.provhsm.symmetric.SymmetricKeyProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * Test-scope provider "configured-subset": like {@code custom} with a library that exports only some tables, it
 * claims TPM and SYMMETRIC_KEY but serves only SYMMETRIC_KEY under any configuration ({@link #mechanisms(HsmConfig)}),
 * through the real software symmetric-key provider. Opening TPM fails loudly. Never picked unless named.
 */
public final class ConfiguredSubsetProvider implements HsmProvider {
    private final SymmetricKeyProvider symmetricKey = new SymmetricKeyProvider();

    @Override
    public String name() {
        return "configured-subset";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.TPM, Mechanism.SYMMETRIC_KEY);
    }

    @Override
    public Set<Mechanism> mechanisms(HsmConfig config) {
        return EnumSet.of(Mechanism.SYMMETRIC_KEY);
    }

    @Override
    public Availability availability(HsmConfig config) {
        return symmetricKey.availability(config);
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        if (mechanism != Mechanism.SYMMETRIC_KEY) {
            throw new HsmException("configured-subset does not serve " + mechanism + " here");
        }
        return symmetricKey.open(mechanism, config);
    }
}
