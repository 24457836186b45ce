package io.provhsm.custom;

import io.provhsm.HsmException;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import io.provhsm.spi.HsmConfig;
import java.util.Map;

/**
 * Run in a forked JVM by {@link BrokenLibraryForkedTest}: calls a broken library in a way that would crash the
 * JVM if the bridge trusted it, prints each call's outcome and exits 0.
 */
public final class BrokenLibraryProbe {
    private BrokenLibraryProbe() {
    }

    public static void main(String[] args) {
        String library = args[0];
        String binding = args[1];
        HsmConfig config = HsmConfig.of(Map.of(CustomSettings.LIBRARY, library, CustomSettings.BINDING, binding));
        CustomHsmProvider provider = new CustomHsmProvider();
        try (TpmHsm tpm = (TpmHsm) provider.open(Mechanism.TPM, config);
             X509Hsm x509 = (X509Hsm) provider.open(Mechanism.X509, config)) {
            Runnable[] calls = {tpm::endorsementKey, tpm::storageRootKey, () -> tpm.signWithIdentity(new byte[8]),
                x509::commonName, x509::certificateChain, x509::aliasKey};
            for (Runnable call : calls) {
                try {
                    call.run();
                    System.out.println("OK");
                } catch (HsmException e) {
                    System.out.println("ERROR: " + e.getMessage());
                }
            }
        }
        System.out.println("DONE");
    }
}
