package io.provhsm.tck.testing;

import io.provhsm.Hsm;
import io.provhsm.Mechanism;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code test-x509}: a correct X.509 provider over software keys (root CA, intermediate CA, leaf), whose
 * identity lives as long as the JVM. The broken providers of the kit's tests derive from it.
 */
public class SoftwareX509Provider implements HsmProvider {
    private static final Map<String, Identity> IDENTITIES = new ConcurrentHashMap<>();

    /** A root, an intermediate and a leaf whose CN is the registration id. */
    public record Identity(TestPki.Issued root, TestPki.Issued intermediate, TestPki.Issued leaf, String registrationId) {
        public static Identity create(String registrationId, String leafCn) {
            TestPki.Issued root = TestPki.selfSignedCa("provhsm test root " + registrationId);
            TestPki.Issued intermediate = TestPki.issue("provhsm test intermediate " + registrationId, root, true);
            TestPki.Issued leaf = TestPki.issue(leafCn, intermediate, false);
            return new Identity(root, intermediate, leaf, registrationId);
        }

        public List<X509Certificate> chain() {
            return List.of(leaf.certificate(), intermediate.certificate());
        }
    }

    @Override
    public String name() {
        return "test-x509";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.X509);
    }

    @Override
    public Availability availability(HsmConfig config) {
        return Availability.available("software keys for tests");
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    /** The identity of this provider, made on first use and kept for the JVM's life (its "persistent" store). */
    protected Identity identity() {
        return IDENTITIES.computeIfAbsent(name(), n -> Identity.create(n + "-device", n + "-device"));
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        Identity identity = identity();
        return new SoftwareX509Session(identity.chain(), identity.leaf().keys().getPrivate(), identity.registrationId(),
                identity.root().certificate());
    }
}
