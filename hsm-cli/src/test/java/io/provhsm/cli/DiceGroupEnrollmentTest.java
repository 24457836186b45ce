package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.Pem;
import io.provhsm.tck.dps.DpsEmulator;
import io.provhsm.tck.service.CaVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DICE device registers through a group enrollment of its root CA, as with the real service: the CA is refused until
 * its possession is proven with {@code provhsm dice verification-cert}, then the device is assigned over mutual TLS.
 */
class DiceGroupEnrollmentTest {
    @TempDir
    Path dir;

    @Test
    void groupEnrollmentOfTheDiceRootCaAfterProofOfPossession() throws Exception {
        String dataDir = "provhsm.dice.data-dir=" + dir.resolve("device");
        DiceCommandsTest.Run identity = DiceCommandsTest.provhsm("identity", "--provider", "dice", "--config", dataDir, "--json");
        assertEquals(0, identity.exitCode(), identity.err());
        JsonObject json = JsonParser.parseString(identity.out()).getAsJsonObject();
        X509Certificate root = Pem.certificates(json.get("rootCertificate").getAsString()).get(0);
        String registrationId = json.get("registrationId").getAsString();

        CaVerification verification = CaVerification.start(root);
        try (DpsEmulator emulator = DpsEmulator.builder().port(0).idScope("0ne0000dice").withHubStandIn().start()) {
            emulator.enrollX509Group("dice-group", verification);
            Path serverCert = Files.writeString(dir.resolve("server.pem"), Pem.certificate(emulator.serverCertificate()));
            String[] register = {"register", "--endpoint", "localhost:" + emulator.port(), "--id-scope", "0ne0000dice",
                "--trust-cert", serverCert.toString(), "--poll-interval-ms", "50", "--provider", "dice", "--config", dataDir};

            DiceCommandsTest.Run refused = DiceCommandsTest.provhsm(register);
            assertNotEquals(0, refused.exitCode(), "an unverified CA serves no device: " + refused.out());
            assertTrue(refused.err().contains("401"), "refused by the service, not by the network: " + refused.err());
            assertFalse(emulator.assignedDevice(registrationId).isPresent());

            DiceCommandsTest.Run proof = DiceCommandsTest.provhsm("dice", "verification-cert", "--code",
                    verification.verificationCode(), "--provider", "dice", "--config", dataDir);
            assertEquals(0, proof.exitCode(), proof.err());
            verification.verify(Pem.certificates(proof.out()).get(0), Instant.now());
            assertTrue(verification.verified());

            DiceCommandsTest.Run assigned = DiceCommandsTest.provhsm(register);
            assertEquals(0, assigned.exitCode(), assigned.out() + assigned.err());
            assertTrue(assigned.out().contains("status: assigned"), assigned.out());
            assertTrue(assigned.out().contains("deviceId: " + registrationId), assigned.out());
            assertTrue(emulator.assignedDevice(registrationId).isPresent());
        }
    }
}
