package io.provhsm.tck.broken;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.testing.SoftwareX509Provider;
import io.provhsm.tck.testing.SoftwareX509Session;
import io.provhsm.tck.testing.TestPki;
import java.security.KeyPair;

/** Breaks x509.contract.private-key-matches-leaf: aliasKey() is an exportable key of another key pair. */
public final class KeyMismatchProvider extends SoftwareX509Provider {
    private static final KeyPair OTHER = TestPki.ecKeyPair();

    @Override
    public String name() {
        return "broken-key-mismatch";
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        Identity identity = identity();
        return new SoftwareX509Session(identity.chain(), OTHER.getPrivate(), identity.registrationId(), identity.root().certificate());
    }
}
