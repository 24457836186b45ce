package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.provhsm.Hsms;
import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by the persistence tests: opens the TPM given by settings (provider found by discovery), signs one message with the
 * persisted identity (no activation) and prints the registration id and the HMAC in hex.
 * Arguments: message hex, then setting key and value pairs.
 */
public final class SignInNewProcess {
    private SignInNewProcess() {
    }

    /**
     * Runs this class in a new JVM on the test class path with {@code settings}; its output lines (the last two:
     * registration id, HMAC hex). Fails the test if it does not exit 0 within 60 s.
     */
    static String[] run(byte[] message, Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SignInNewProcess.class.getName(), HexFormat.of().formatHex(message)));
        settings.forEach((key, value) -> command.addAll(List.of(key, value)));
        ChildProcess.Result result = ChildProcess.run(new ProcessBuilder(command).redirectErrorStream(true), 60);
        assertEquals(0, result.exitCode(), result.out());
        return result.out().strip().split("\\R");
    }

    public static void main(String[] args) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            settings.put(args[i], args[i + 1]);
        }
        HsmConfig config = HsmConfig.of(settings);
        try (TpmHsm hsm = Hsms.openTpm(config)) {
            System.out.println(hsm.registrationId());
            System.out.println(HexFormat.of().formatHex(hsm.signWithIdentity(HexFormat.of().parseHex(args[0]))));
        }
    }
}
