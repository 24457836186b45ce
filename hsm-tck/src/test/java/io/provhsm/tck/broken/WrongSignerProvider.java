package io.provhsm.tck.broken;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.testing.HandleKeys;
import io.provhsm.tck.testing.SoftwareX509Provider;
import io.provhsm.tck.testing.SoftwareX509Session;
import io.provhsm.tck.testing.TestPki;
import java.security.KeyPair;

/**
 * Breaks x509.function.signature-verifies-with-leaf: the alias key is a hardware-style handle (no encoding)
 * whose JCA provider signs with another key than the leaf's.
 */
public final class WrongSignerProvider extends SoftwareX509Provider {
    private static final KeyPair OTHER = TestPki.ecKeyPair();

    @Override
    public String name() {
        return "broken-wrong-signer";
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        Identity identity = identity();
        return new SoftwareX509Session(identity.chain(), new HandleKeys.Handle(OTHER.getPrivate()), identity.registrationId(),
                identity.root().certificate());
    }
}
