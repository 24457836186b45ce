package io.provhsm.tck.broken;

import io.provhsm.Hsm;
import io.provhsm.HsmException;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Breaks tpm.contract.endorsement-key-template: the "EK" is an X.509 SubjectPublicKeyInfo (DER), not a
 * TPM2B_PUBLIC. Not a TPM: it only shows that the kit refuses such an endorsement key.
 */
public final class NotTpm2bEndorsementKeyProvider implements HsmProvider {
    private static final byte[] EK_DER;
    private static final byte[] SRK_DER;

    static {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair ek = generator.generateKeyPair();
            KeyPair srk = generator.generateKeyPair();
            EK_DER = ek.getPublic().getEncoded();
            SRK_DER = srk.getPublic().getEncoded();
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public String name() {
        return "broken-ek";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.TPM);
    }

    @Override
    public Availability availability(HsmConfig config) {
        return Availability.available("test-only");
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        return new TpmHsm() {
            private volatile boolean closed;

            private void open() {
                if (closed) {
                    throw new IllegalStateException("session is closed");
                }
            }

            @Override
            public byte[] endorsementKey() {
                open();
                return EK_DER.clone();
            }

            @Override
            public byte[] storageRootKey() {
                open();
                return SRK_DER.clone();
            }

            @Override
            public void activateIdentityKey(byte[] activationBlob) {
                open();
                ActivationBlob.parse(activationBlob);
                throw new HsmException("this test provider has no TPM to activate with");
            }

            @Override
            public byte[] signWithIdentity(byte[] data) {
                open();
                throw new IllegalStateException("no identity key activated");
            }

            @Override
            public String registrationId() {
                open();
                return RegistrationIds.fromEndorsementKey(EK_DER);
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
