package io.provhsm.tpm;

import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import java.util.HexFormat;
import java.util.Map;

/**
 * Run in a separate JVM by the persistence test: opens the TPM given by settings, signs one message with the
 * persisted identity (no activation) and prints the registration id and the HMAC in hex.
 * Arguments: message hex, then setting key and value pairs.
 */
public final class SignInNewProcess {
    private SignInNewProcess() {
    }

    public static void main(String[] args) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            settings.put(args[i], args[i + 1]);
        }
        HsmConfig config = HsmConfig.of(settings);
        try (TpmHsm hsm = (TpmHsm) new TpmProvider().open(io.provhsm.Mechanism.TPM, config)) {
            System.out.println(hsm.registrationId());
            System.out.println(HexFormat.of().formatHex(hsm.signWithIdentity(HexFormat.of().parseHex(args[0]))));
        }
    }
}
