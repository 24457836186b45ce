package io.provhsm.tck.broken;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.testing.SoftwareX509Provider;
import io.provhsm.tck.testing.SoftwareX509Session;
import java.util.List;

/** Breaks x509.contract.chain-leaf-first: the chain is root-side first. */
public final class ChainOrderProvider extends SoftwareX509Provider {
    @Override
    public String name() {
        return "broken-chain-order";
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        Identity identity = identity();
        return new SoftwareX509Session(List.of(identity.intermediate().certificate(), identity.leaf().certificate()),
                identity.leaf().keys().getPrivate(), identity.registrationId(), identity.root().certificate());
    }
}
