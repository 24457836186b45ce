package io.provhsm.tpm;

import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import java.util.HexFormat;
import java.util.Map;

/**
 * Run in a separate JVM by the persistence test: opens the TPM given by settings, signs one message with the
 * persisted identity (no activation) and prints the registration id and the HMAC in hex.
 * Arguments: setting key, setting value, message hex.
 */
public final class SignInNewProcess {
    private SignInNewProcess() {
    }

    public static void main(String[] args) {
        HsmConfig config = HsmConfig.of(Map.of(args[0], args[1]));
        try (TpmHsm hsm = (TpmHsm) new TpmProvider().open(io.provhsm.Mechanism.TPM, config)) {
            System.out.println(hsm.registrationId());
            System.out.println(HexFormat.of().formatHex(hsm.signWithIdentity(HexFormat.of().parseHex(args[2]))));
        }
    }
}
