package io.provhsm.dice;

import io.provhsm.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/** Run in a separate JVM by PersistenceTest: prints the identity of a data directory and firmware code hash. */
public final class PrintIdentityMain {
    private PrintIdentityMain() {
    }

    public static void main(String[] args) {
        try (DiceX509Hsm hsm = DiceSessions.open(Path.of(args[0]), DiceSettings.CODE_HASH, args[1])) {
            System.out.print(describe(hsm));
        }
    }

    static String describe(DiceX509Hsm hsm) {
        StringBuilder out = new StringBuilder(hsm.registrationId()).append('\n');
        for (X509Certificate certificate : hsm.certificateChain()) {
            out.append(Pem.certificate(certificate));
        }
        out.append(Pem.certificate(hsm.rootCertificate().orElseThrow()));
        return out.toString();
    }
}
