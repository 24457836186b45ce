package io.provhsm.tck.dps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import io.provhsm.Hsm;
import io.provhsm.Hsms;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.tpm.sim.Swtpm;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.provhsm.X509Hsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.service.CaVerification;
import io.provhsm.tck.testing.SwtpmRequired;
import io.provhsm.tck.testing.TestPki;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Azure Java device client (provisioning-device-client 2.1.3, HTTPS) registers through our
 * providers against the emulator and reaches ASSIGNED; then the device connects to the hub stand-in with
 * its own credentials.
 */
class OfficialClientTest {
    private static DpsEmulator dps;
    private static Swtpm swtpm;

    @BeforeAll
    static void start(@TempDir Path temp) throws Exception {
        // before any HTTPS traffic: swtpm needs two consecutive free loopback ports
        swtpm = Swtpm.installed() ? Swtpm.start(temp.resolve("tpm")) : null;
        dps = DpsEmulator.builder().withHubStandIn().start();
    }

    @AfterAll
    static void stop() {
        dps.close();
        if (swtpm != null) {
            swtpm.stop();
        }
    }

    /** Runs the official client to its callback (the register answer is "assigned": no 2-5 s poll sleeps). */
    static ProvisioningDeviceClientRegistrationResult register(SecurityProvider security) throws Exception {
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(dps.globalEndpoint(), dps.idScope(),
                ProvisioningDeviceClientTransportProtocol.HTTPS, security);
        CompletableFuture<ProvisioningDeviceClientRegistrationResult> done = new CompletableFuture<>();
        try {
            client.registerDevice((result, exception, context) -> {
                if (exception != null) {
                    done.completeExceptionally(exception);
                } else {
                    done.complete(result);
                }
            }, null);
            return done.get(60, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    static String connectToHub(ProvisioningDeviceClientRegistrationResult result, Hsm hsm) throws Exception {
        RegistrationClient hubClient = new RegistrationClient(dps.globalEndpoint(), dps.idScope(), dps.serverCertificate(), Duration.ZERO);
        return hubClient.connectToHub(new RegistrationResult(result.getRegistrationId(), result.getStatus(), result.getIothubUri(),
                result.getDeviceId(), null, 0), hsm);
    }

    @Test
    void symmetricKeyGroupDeviceReachesAssignedWithTheOfficialClient() throws Exception {
        byte[] groupKey = new byte[64];
        new SecureRandom().nextBytes(groupKey);
        dps.enrollSymmetricKeyGroup("official-sym-group", groupKey);
        String registrationId = "official-sym-device";
        // the real symmetric-key provider, deriving its device key from the group key as the service does
        HsmConfig config = HsmConfig.of(Map.of(HsmConfig.PROVIDER, "symmetric-key",
                "provhsm.symmetric-key.registration-id", registrationId,
                "provhsm.symmetric-key.group-key", Base64.getEncoder().encodeToString(groupKey)));
        try (SymmetricKeyHsm hsm = Hsms.openSymmetricKey(config)) {
            ProvisioningDeviceClientRegistrationResult result = register(new AzureSecurityProviders.SymmetricKey(hsm, dps.serverCertificate()));
            assertEquals(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED, result.getProvisioningDeviceClientStatus());
            assertEquals(registrationId, result.getDeviceId());
            assertEquals(dps.assignedHub(), result.getIothubUri());
            assertTrue(connectToHub(result, hsm).contains("\"authentication\":\"sas\""));
        }
    }

    @Test
    void tpmOnSwtpmReachesAssignedWithTheOfficialClientAndItsSecondActivationSignsForTheHub() throws Exception {
        assertTrue(swtpm != null, SwtpmRequired.MISSING);
        // the tpm provider over tpm2-tss's swtpm TCTI (JNA)
        try (TpmHsm hsm = Hsms.openTpm(HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm", "provhsm.tpm.tcti", swtpm.tcti())))) {
            dps.enrollTpm(hsm.endorsementKey());
            ProvisioningDeviceClientRegistrationResult result = register(new AzureSecurityProviders.Tpm(hsm, dps.serverCertificate()));
            assertEquals(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED, result.getProvisioningDeviceClientStatus());
            assertEquals(hsm.registrationId(), result.getDeviceId());
            // the identity key now is the hub key of the assignment's blob: the hub verifies a token signed with it
            byte[] hubKey = dps.assignedDevice(hsm.registrationId()).orElseThrow().sasKey().orElseThrow();
            byte[] data = "hub".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertArrayEquals(io.provhsm.dps.HmacSha256.compute(hubKey, data), hsm.signWithIdentity(data));
            assertTrue(connectToHub(result, hsm).contains("\"authentication\":\"sas\""));
        }
    }

    @Test
    void diceDeviceOfAVerifiedGroupCaReachesAssignedWithTheOfficialClientAndConnectsToTheHub(@TempDir Path temp) throws Exception {
        HsmConfig config = HsmConfig.of(Map.of(HsmConfig.PROVIDER, "dice", "provhsm.dice.data-dir", temp.resolve("dice").toString()));
        try (X509Hsm hsm = Hsms.openX509(config)) {
            // the group enrollment of the DICE root, verified by proof of possession as the service asks
            CaVerification ca = CaVerification.start(hsm.rootCertificate().orElseThrow());
            dps.enrollX509Group("official-dice-group", ca);
            ca.verify(((io.provhsm.dice.DiceX509Hsm) hsm).verificationCertificate(ca.verificationCode()), Instant.now());
            ProvisioningDeviceClientRegistrationResult result = register(new AzureSecurityProviders.X509(hsm, dps.serverCertificate()));
            assertEquals(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED, result.getProvisioningDeviceClientStatus());
            assertEquals(hsm.registrationId(), result.getDeviceId());
            assertTrue(connectToHub(result, hsm).contains("\"authentication\":\"x509\""));
        }
    }

    @Test
    void x509DeviceWithANonExportableKeyReachesAssignedWithTheOfficialClient() throws Exception {
        TestPki.Issued root = TestPki.selfSignedCa("official x509 root");
        TestPki.Issued leaf = TestPki.issue("official-x509-device", root, false);
        CaVerification ca = CaVerification.start(root.certificate());
        ca.verify(TestPki.certificate(ca.verificationCode(), TestPki.ecKeyPair().getPublic(), "official x509 root",
                root.keys().getPrivate(), false, Duration.ofHours(1)), Instant.now());
        dps.enrollX509Group("official-x509-group", ca);
        try (X509Hsm hsm = new io.provhsm.tck.testing.SoftwareX509Session(java.util.List.of(leaf.certificate()),
                new io.provhsm.tck.testing.HandleKeys.Handle(leaf.keys().getPrivate()), "official-x509-device", root.certificate())) {
            assertNull(hsm.aliasKey().getEncoded(), "the key handle cannot be exported");
            ProvisioningDeviceClientRegistrationResult result = register(new AzureSecurityProviders.X509(hsm, dps.serverCertificate()));
            assertEquals(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED, result.getProvisioningDeviceClientStatus());
            assertEquals("official-x509-device", result.getDeviceId());
            assertTrue(connectToHub(result, hsm).contains("\"authentication\":\"x509\""));
        }
    }
}
