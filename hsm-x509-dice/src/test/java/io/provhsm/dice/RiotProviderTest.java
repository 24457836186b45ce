package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import io.provhsm.testing.RiotVector;
import io.provhsm.testing.TestVectors;
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
        RiotVector vector = TestVectors.riot("uds_all_zero.txt");
        try (DiceX509Hsm hsm = DiceSessions.open(dir, DiceSettings.PROFILE, "riot", DiceSettings.UDS, vector.value("uds"),
                DiceSettings.MEASUREMENT, vector.value("measurement"), DiceSettings.FWID, vector.value("fwid"))) {
            assertEquals("riot-device-cert", hsm.registrationId());
            assertEquals(certificate(vector, "alias_cert"), Pem.certificate(hsm.certificateChain().get(0)));
            assertEquals(certificate(vector, "root_cert"), Pem.certificate(hsm.rootCertificate().orElseThrow()));
            assertEquals(2, hsm.certificateChain().size());
        }
    }

    @Test
    void defaultsAreTheSdksBuiltInInputs() {
        RiotVector vector = TestVectors.riot("default_sdk_inputs.txt");
        try (DiceX509Hsm hsm = DiceSessions.open(dir, DiceSettings.PROFILE, "riot")) {
            assertEquals(certificate(vector, "alias_cert"), Pem.certificate(hsm.certificateChain().get(0)));
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

    private static String certificate(RiotVector vector, String section) {
        // the C API writes base64 on one line; Pem.certificate wraps at 64 columns
        return Pem.encode("CERTIFICATE", Pem.decode("CERTIFICATE", vector.section(section)).get(0));
    }
}
