package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The riot profile through the provider: the C emulator's certificates for the configured inputs, and one warning. */
class RiotProviderTest {
    @TempDir
    Path dir;

    @Test
    void configuredInputsGiveTheVectorsAliasAndRootCertificates() {
        Path vectorFile = Vectors.dir("riot").resolve("uds_all_zero.txt");
        String text = Vectors.read(vectorFile);
        String uds = value(text, "uds");
        try (DiceX509Hsm hsm = DiceSessions.open(dir, DiceSettings.PROFILE, "riot", DiceSettings.UDS, uds,
                DiceSettings.MEASUREMENT, value(text, "measurement"), DiceSettings.FWID, value(text, "fwid"))) {
            assertEquals("riot-device-cert", hsm.registrationId());
            assertEquals(section(text, "alias_cert"), Pem.certificate(hsm.certificateChain().get(0)));
            assertEquals(section(text, "root_cert"), Pem.certificate(hsm.rootCertificate().orElseThrow()));
            assertEquals(2, hsm.certificateChain().size());
        }
    }

    @Test
    void defaultsAreTheSdksBuiltInInputs() {
        String text = Vectors.read(Vectors.dir("riot").resolve("default_sdk_inputs.txt"));
        try (DiceX509Hsm hsm = DiceSessions.open(dir, DiceSettings.PROFILE, "riot")) {
            assertEquals(section(text, "alias_cert"), Pem.certificate(hsm.certificateChain().get(0)));
        }
    }

    @Test
    void warnsOnceThatItsIdentitiesAreSharedAndWeak() {
        Logger logger = Logger.getLogger(DiceProvider.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            DiceProvider.forgetRiotWarning();
            DiceSessions.open(dir, DiceSettings.PROFILE, "riot").close();
            DiceSessions.open(dir, DiceSettings.PROFILE, "riot").close();
            DiceSessions.open(dir, DiceSettings.PROFILE, "riot-fixed").close();
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, records.size(), records.toString());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertTrue(records.get(0).getMessage().contains("shared and weak"), records.get(0).getMessage());
    }

    private static String value(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow().substring(key.length() + 1);
    }

    private static String section(String text, String name) {
        int start = text.indexOf("----- " + name);
        int begin = text.indexOf('\n', start) + 1;
        int end = text.indexOf("-----END CERTIFICATE-----\n", begin) + "-----END CERTIFICATE-----\n".length();
        // the C API writes base64 on one line; Pem.certificate wraps at 64 columns
        return Pem.encode("CERTIFICATE", Pem.decode("CERTIFICATE", text.substring(begin, end)).get(0));
    }
}
