package io.provhsm.tck.dps;

import io.provhsm.dps.SasToken;
import io.provhsm.dps.HmacSha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.provhsm.Hsms;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.tpm.sim.Swtpm;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.provhsm.X509Hsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.service.CaVerification;
import io.provhsm.dps.SymmetricKeys;
import io.provhsm.tck.service.LoopbackServerIdentity;
import io.provhsm.tck.testing.SwtpmRequired;
import io.provhsm.tck.testing.TestPki;
import io.provhsm.tck.testing.SoftwareX509Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulator over real HTTPS on 127.0.0.1, driven by our own registration client and by raw requests. */
class DpsEmulatorTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static DpsEmulator dps;
    private static RegistrationClient client;
    private static Swtpm swtpm;

    @BeforeAll
    static void start(@TempDir Path temp) throws Exception {
        // before any HTTPS traffic: swtpm needs two consecutive free loopback ports
        swtpm = Swtpm.installed() ? Swtpm.start(temp.resolve("tpm")) : null;
        dps = DpsEmulator.builder().withHubStandIn().start();
        client = new RegistrationClient(dps.globalEndpoint(), dps.idScope(), dps.serverCertificate(), Duration.ofMillis(50));
    }

    @AfterAll
    static void stop() {
        dps.close();
        if (swtpm != null) {
            swtpm.stop();
        }
    }

    /** A device on the real symmetric-key provider. */
    private static SymmetricKeyHsm symmetricDevice(String registrationId, byte[] deviceKey) {
        return Hsms.openSymmetricKey(HsmConfig.of(Map.of(HsmConfig.PROVIDER, "symmetric-key",
                "provhsm.symmetric-key.registration-id", registrationId,
                "provhsm.symmetric-key.key", Base64.getEncoder().encodeToString(deviceKey))));
    }

    @Test
    void symmetricKeyGroupDeviceIsAssignedAndConnectsToTheHub() throws Exception {
        byte[] groupKey = new byte[64];
        RANDOM.nextBytes(groupKey);
        dps.enrollSymmetricKeyGroup("sym-group", groupKey);
        try (SymmetricKeyHsm hsm = symmetricDevice("sym-group-device-1", SymmetricKeys.deriveDeviceKey(groupKey, "sym-group-device-1"))) {
            RegistrationResult result = client.register(hsm);
            assertEquals("assigned", result.status());
            assertEquals("sym-group-device-1", result.deviceId());
            assertEquals(dps.assignedHub(), result.assignedHub());
            String hub = client.connectToHub(result, hsm);
            assertTrue(hub.contains("\"authentication\":\"sas\""), hub);
        }
    }

    @Test
    void tpmOnSwtpmRegistersWithOurClientThroughPollingAndConnectsToTheHub() throws Exception {
        assertTrue(swtpm != null, SwtpmRequired.MISSING);
        try (DpsEmulator polling = DpsEmulator.builder().pollsBeforeAssigned(1).withHubStandIn().start()) {
            HsmConfig config = HsmConfig.of(Map.of(HsmConfig.PROVIDER, "tpm", "provhsm.tpm.tcp", swtpm.tcpAddress()));
            RegistrationClient pollingClient = new RegistrationClient(polling.globalEndpoint(), polling.idScope(),
                    polling.serverCertificate(), Duration.ofMillis(20));
            try (TpmHsm hsm = Hsms.openTpm(config)) {
                RegistrationException notEnrolled = assertThrows(RegistrationException.class, () -> pollingClient.register(hsm));
                assertEquals(401, notEnrolled.status());
                assertTrue(notEnrolled.getMessage().contains("not enrolled with a TPM"), notEnrolled.getMessage());

                polling.enrollTpm(hsm.endorsementKey());
                RegistrationResult result = pollingClient.register(hsm);
                assertEquals(1, result.polls());
                assertEquals(hsm.registrationId(), result.deviceId());
                assertTrue(pollingClient.connectToHub(result, hsm).contains("\"authentication\":\"sas\""));
            }
        }
    }

    @Test
    void eightDevicesRegisteringAtOnceAreAllAssigned() throws Exception {
        byte[] groupKey = new byte[32];
        RANDOM.nextBytes(groupKey);
        dps.enrollSymmetricKeyGroup("crowd", groupKey);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<RegistrationResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "crowd-device-" + i;
                results.add(pool.submit(() -> {
                    try (SymmetricKeyHsm hsm = symmetricDevice(id, SymmetricKeys.deriveDeviceKey(groupKey, id))) {
                        return client.register(hsm);
                    }
                }));
            }
            for (int i = 0; i < 8; i++) {
                RegistrationResult result = results.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("crowd-device-" + i, result.deviceId());
                assertTrue(dps.assignedDevice("crowd-device-" + i).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pollingReachesAssignedAfterAssigning() throws Exception {
        try (DpsEmulator polling = DpsEmulator.builder().pollsBeforeAssigned(1).start()) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            polling.enrollSymmetricKey("polled-device", key);
            RegistrationClient pollingClient = new RegistrationClient(polling.globalEndpoint(), polling.idScope(),
                    polling.serverCertificate(), Duration.ofMillis(20));
            try (SymmetricKeyHsm hsm = symmetricDevice("polled-device", key)) {
                RegistrationResult result = pollingClient.register(hsm);
                assertEquals(1, result.polls());
                assertEquals("assigned", result.status());
            }
        }
    }

    @Test
    void x509IndividualAndGroupEnrollmentsAssignTheDevice() throws Exception {
        TestPki.Issued root = TestPki.selfSignedCa("emulator test root");
        TestPki.Issued leaf = TestPki.issue("x509-group-device", root, false);
        CaVerification ca = CaVerification.start(root.certificate());
        dps.enrollX509Group("x509-group", ca);
        try (X509Hsm hsm = new SoftwareX509Session(List.of(leaf.certificate()), leaf.keys().getPrivate(), "x509-group-device", null)) {
            RegistrationException unverified = assertThrows(RegistrationException.class, () -> client.register(hsm));
            assertTrue(unverified.getMessage().contains("not verified"), unverified.getMessage());
            // proof of possession: a certificate with the code as CN, signed by the CA key
            ca.verify(TestPki.certificate(ca.verificationCode(), TestPki.ecKeyPair().getPublic(), "emulator test root",
                    root.keys().getPrivate(), false, Duration.ofHours(1)), Instant.now());
            RegistrationResult result = client.register(hsm);
            assertEquals("x509-group-device", result.deviceId());
            assertTrue(client.connectToHub(result, hsm).contains("\"authentication\":\"x509\""));
        }
        TestPki.Issued single = TestPki.issue("x509-single-device", TestPki.selfSignedCa("other root"), false);
        dps.enrollX509(single.certificate());
        try (X509Hsm hsm = new SoftwareX509Session(List.of(single.certificate()), single.keys().getPrivate(), "x509-single-device", null)) {
            assertEquals("assigned", client.register(hsm).status());
        }
    }

    @Test
    void certificateThatDoesNotChainIsRefused() throws Exception {
        TestPki.Issued enrolledRoot = TestPki.selfSignedCa("chain test root");
        CaVerification ca = CaVerification.start(enrolledRoot.certificate());
        ca.verify(TestPki.certificate(ca.verificationCode(), TestPki.ecKeyPair().getPublic(), "chain test root",
                enrolledRoot.keys().getPrivate(), false, Duration.ofHours(1)), Instant.now());
        dps.enrollX509Group("chain-group", ca);
        // same issuer name, another key: the name matches but the signature does not
        TestPki.Issued impostorRoot = TestPki.selfSignedCa("chain test root");
        TestPki.Issued leaf = TestPki.issue("impostor-device", impostorRoot, false);
        try (X509Hsm hsm = new SoftwareX509Session(List.of(leaf.certificate()), leaf.keys().getPrivate(), "impostor-device", null)) {
            RegistrationException e = assertThrows(RegistrationException.class, () -> client.register(hsm));
            assertEquals(401, e.status());
            assertEquals(DpsError.UNAUTHORIZED, e.errorCode());
            assertTrue(e.getMessage().contains("does not verify with the key of the enrolled CA"), e.getMessage());
        }
    }

    @Test
    void caProofWithAWrongCodeOrKeyIsRefused() throws Exception {
        TestPki.Issued root = TestPki.selfSignedCa("pop root");
        CaVerification ca = CaVerification.start(root.certificate());
        var wrongCode = TestPki.certificate("NOT" + ca.verificationCode(), TestPki.ecKeyPair().getPublic(), "pop root",
                root.keys().getPrivate(), false, Duration.ofHours(1));
        var wrongKey = TestPki.certificate(ca.verificationCode(), TestPki.ecKeyPair().getPublic(), "pop root",
                TestPki.ecKeyPair().getPrivate(), false, Duration.ofHours(1));
        assertThrows(io.provhsm.tck.service.AttestationException.class, () -> ca.verify(wrongCode, Instant.now()));
        var e = assertThrows(io.provhsm.tck.service.AttestationException.class, () -> ca.verify(wrongKey, Instant.now()));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
        assertFalse(ca.verified());
    }

    @Test
    void opensslAcceptsTheServerCertificateForLocalhostAnd127001(@TempDir Path temp) throws Exception {
        Path ca = temp.resolve("server.pem");
        java.nio.file.Files.writeString(ca, io.provhsm.Pem.certificate(dps.serverCertificate()));
        for (String check : new String[] {"-verify_hostname=localhost", "-verify_ip=127.0.0.1"}) {
            String[] option = check.split("=", 2);
            Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + dps.port(), "-CAfile", ca.toString(),
                    option[0], option[1], "-verify_return_error", "-brief").redirectErrorStream(true).start();
            openssl.getOutputStream().close();
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(openssl.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "openssl finished");
            assertTrue(output.contains("Verification: OK"), check + ": " + output);
        }
        Process wrongName = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + dps.port(), "-CAfile", ca.toString(),
                "-verify_hostname", "dps.example.com", "-verify_return_error", "-brief").redirectErrorStream(true).start();
        wrongName.getOutputStream().close();
        String output = new String(wrongName.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrongName.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(output.contains("Verification: OK"), "another host name is refused: " + output);
    }

    // ---- error answers, over raw HTTPS ----

    private static HttpResponse<String> put(String path, String body, String authorization) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(LoopbackServerIdentity.clientContext(dps.serverCertificate(), (KeyManager[]) null))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + dps.globalEndpoint() + path))
                .method(body == null ? "GET" : "PUT", body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json; charset=utf-8");
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private static void assertError(HttpResponse<String> response, int status, int errorCode, String messagePart) {
        assertEquals(status, response.statusCode(), response.body());
        JsonObject body = json(response);
        assertEquals(errorCode, body.get("errorCode").getAsInt(), response.body());
        assertEquals(36, body.get("trackingId").getAsString().length(), "trackingId is a UUID");
        assertTrue(body.get("message").getAsString().contains(messagePart), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void errorAnswersCarryStatusErrorCodeTrackingIdAndMessageAndTheServerKeepsServing() throws Exception {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        dps.enrollSymmetricKey("errors-device", key);
        String scope = dps.idScope();
        String register = "/" + scope + "/registrations/errors-device/register?api-version=2019-03-31";
        String resource = scope + "/registrations/errors-device";
        long expiry = Instant.now().getEpochSecond() + 600;
        byte[] wrongKey = key.clone();
        wrongKey[0] ^= 1;
        String wrongSas = SasToken.sign(resource, expiry, "registration", SasToken.ResourceEncoding.AS_IS,
                data -> HmacSha256.compute(wrongKey, data)).value();
        String rightSas = SasToken.sign(resource, expiry, "registration", SasToken.ResourceEncoding.AS_IS,
                data -> HmacSha256.compute(key, data)).value();
        String body = "{\"registrationId\":\"errors-device\"}";

        assertError(put(register, body, wrongSas), 401, DpsError.UNAUTHORIZED, "signature does not verify");
        assertError(put(register, "{\"registrationId\": \"errors-device\",", rightSas), 400, DpsError.BAD_REQUEST, "not valid JSON");
        assertError(put(register, "[1,2]", rightSas), 400, DpsError.BAD_REQUEST, "not a JSON object");
        assertError(put(register, "{\"registrationId\":\"someone-else\"}", rightSas), 400, DpsError.BAD_REQUEST, "differs from the path");
        assertError(put("/" + scope + "/registrations/unknown-device/register?api-version=2019-03-31",
                "{\"registrationId\":\"unknown-device\"}", rightSas), 401, DpsError.UNAUTHORIZED, "not enrolled");
        assertError(put(register, body, null), 401, DpsError.UNAUTHORIZED, "no credentials");
        assertError(put("/" + scope + "/registrations/errors-device/register", body, rightSas), 400, DpsError.BAD_REQUEST, "api-version");
        assertError(put("/" + scope + "/registrations/errors-device/operations/nope?api-version=2019-03-31", null, rightSas),
                404, DpsError.NOT_FOUND, "operation 'nope' not found");
        assertError(put("/" + scope + "/registrations/errors-device/register?api-version=2019-03-31", null, rightSas),
                405, DpsError.METHOD_NOT_ALLOWED, "PUT");
        String expired = SasToken.sign(resource, Instant.now().getEpochSecond() - 1, "registration",
                SasToken.ResourceEncoding.AS_IS, data -> HmacSha256.compute(key, data)).value();
        assertError(put(register, body, expired), 401, DpsError.UNAUTHORIZED, "expired");

        // not even TLS: the connection is dropped, the server goes on
        try (java.net.Socket garbage = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), dps.port())) {
            garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            garbage.setSoTimeout(5000);
            garbage.getInputStream().read();
        } catch (java.io.IOException expected) {
            // reset or closed: either way the emulator refused it
        }

        HttpResponse<String> ok = put(register, body, rightSas);
        assertEquals(200, ok.statusCode(), ok.body());
        JsonObject answer = json(ok);
        assertEquals("assigned", answer.get("status").getAsString());
        assertEquals("errors-device", answer.getAsJsonObject("registrationState").get("deviceId").getAsString());
        assertTrue(dps.assignedDevice("errors-device").isPresent());
    }

    @Test
    void hubRefusesATokenForAnotherDeviceOrKey() throws Exception {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        dps.enrollSymmetricKey("hub-device", key);
        try (SymmetricKeyHsm hsm = symmetricDevice("hub-device", key)) {
            RegistrationResult result = client.register(hsm);
            byte[] other = new byte[32];
            other[0] = 1;
            try (SymmetricKeyHsm impostor = symmetricDevice("hub-device", other)) {
                RegistrationException e = assertThrows(RegistrationException.class, () -> client.connectToHub(result, impostor));
                assertEquals(401, e.status());
                assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
            }
        }
    }
}
