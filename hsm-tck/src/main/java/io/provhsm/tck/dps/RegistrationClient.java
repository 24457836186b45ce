package io.provhsm.tck.dps;

import io.provhsm.dps.SasToken;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.provhsm.Hsm;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import io.provhsm.tck.service.LoopbackServerIdentity;

/**
 * A minimal device client for the HTTPS registration protocol (specs/dps-http.md), driving any provider:
 * symmetric key (SAS), X.509 (TLS client authentication through {@link HsmKeyManager}) and TPM (the 401
 * challenge, activation, SAS with the identity key, and the second activation of the assignment's key).
 * For rehearsing enrolment against {@link DpsEmulator}, and as the second client of the emulator's tests.
 */
public final class RegistrationClient {
    private static final int MAX_POLLS = 30;

    private final String globalEndpoint;
    private final String idScope;
    private final X509Certificate trustedServer;
    private final Duration pollInterval;

    /**
     * @param globalEndpoint {@code host:port} of the service
     * @param trustedServer  the server certificate to trust, or null for the JVM's default trust store
     * @param pollInterval   the pause between polls when the service does not send Retry-After
     */
    public RegistrationClient(String globalEndpoint, String idScope, X509Certificate trustedServer, Duration pollInterval) {
        this.globalEndpoint = Objects.requireNonNull(globalEndpoint, "globalEndpoint");
        this.idScope = Objects.requireNonNull(idScope, "idScope");
        this.trustedServer = trustedServer;
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** Registers the device of {@code hsm} and waits until the service assigns it (or refuses). */
    public RegistrationResult register(Hsm hsm) throws RegistrationException, InterruptedException {
        String registrationId = hsm.registrationId();
        String base = "https://" + globalEndpoint + "/" + idScope + "/registrations/" + registrationId;
        HttpClient http = httpClient(hsm instanceof X509Hsm x509 ? new KeyManager[] {new HsmKeyManager(x509)} : null);
        JsonObject body = new JsonObject();
        body.addProperty("registrationId", registrationId);
        String authorization = null;
        if (hsm instanceof TpmHsm tpm) {
            JsonObject keys = new JsonObject();
            keys.addProperty("endorsementKey", Base64.getEncoder().encodeToString(tpm.endorsementKey()));
            keys.addProperty("storageRootKey", Base64.getEncoder().encodeToString(tpm.storageRootKey()));
            body.add("tpm", keys);
            Answer challenge = send(http, put(base + "/register", body, null));
            if (challenge.status != 401 || !challenge.json.has("authenticationKey")) {
                throw refusal("TPM challenge", challenge);
            }
            tpm.activateIdentityKey(Base64.getDecoder().decode(challenge.json.get("authenticationKey").getAsString()));
        }
        if (hsm instanceof TpmHsm tpm) {
            authorization = sasToken(registrationId, tpm::signWithIdentity);
        } else if (hsm instanceof SymmetricKeyHsm symmetric) {
            authorization = sasToken(registrationId, symmetric::sign);
        }
        Answer answer = send(http, put(base + "/register", body, authorization));
        int polls = 0;
        while (answer.status == 200 || answer.status == 202) {
            String status = string(answer.json, "status");
            if (!"assigning".equals(status) && !"unassigned".equals(status)) {
                break;
            }
            if (++polls > MAX_POLLS) {
                throw new RegistrationException("still '" + status + "' after " + MAX_POLLS + " polls", answer.status, 0);
            }
            Thread.sleep(retryAfter(answer).toMillis());
            String operationId = string(answer.json, "operationId");
            HttpRequest.Builder poll = HttpRequest.newBuilder(URI.create(base + "/operations/" + operationId + "?api-version="
                    + DpsEmulator.API_VERSION)).GET().header("Accept", "application/json");
            if (authorization != null) {
                poll.header("authorization", authorization);
            }
            answer = send(http, poll.build());
        }
        if (answer.status != 200 || !"assigned".equals(string(answer.json, "status"))) {
            throw refusal("registration", answer);
        }
        JsonObject state = answer.json.getAsJsonObject("registrationState");
        if (hsm instanceof TpmHsm tpm) {
            JsonObject tpmState = state.getAsJsonObject("tpm");
            if (tpmState == null || !tpmState.has("authenticationKey")) {
                throw new RegistrationException("assigned TPM registration carries no tpm.authenticationKey", 200, 0);
            }
            tpm.activateIdentityKey(Base64.getDecoder().decode(tpmState.get("authenticationKey").getAsString()));
        }
        return new RegistrationResult(registrationId, "assigned", string(state, "assignedHub"), string(state, "deviceId"),
                string(answer.json, "operationId"), polls);
    }

    /**
     * Connects to the assigned hub with the device's own credentials ({@code GET /devices/{deviceId}} on a
     * {@link HubStandIn}): a SAS token for {@code {hub}/devices/{deviceId}} (TPM identity key or symmetric key)
     * or TLS client authentication (X.509). Returns the hub's answer.
     */
    public String connectToHub(RegistrationResult result, Hsm hsm) throws RegistrationException, InterruptedException {
        HttpClient http = httpClient(hsm instanceof X509Hsm x509 ? new KeyManager[] {new HsmKeyManager(x509)} : null);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + result.assignedHub() + "/devices/"
                + result.deviceId() + "?api-version=2021-04-12")).GET();
        // as the C client and IoT Hub SDKs do: the resource URL-encoded before signing
        String resource = result.assignedHub() + "/devices/" + result.deviceId();
        long expiry = Instant.now().getEpochSecond() + 3600;
        if (hsm instanceof TpmHsm tpm) {
            request.header("authorization", SasToken.sign(resource, expiry, null, SasToken.ResourceEncoding.URL_ENCODED, tpm::signWithIdentity).value());
        } else if (hsm instanceof SymmetricKeyHsm symmetric) {
            request.header("authorization", SasToken.sign(resource, expiry, null, SasToken.ResourceEncoding.URL_ENCODED, symmetric::sign).value());
        }
        Answer answer = send(http, request.build());
        if (answer.status != 200) {
            throw refusal("hub connection", answer);
        }
        return answer.json.toString();
    }

    private String sasToken(String registrationId, java.util.function.Function<byte[], byte[]> signer) {
        return SasToken.sign(idScope + "/registrations/" + registrationId, Instant.now().getEpochSecond() + 3600,
                "registration", SasToken.ResourceEncoding.AS_IS, signer).value();
    }

    private HttpRequest put(String url, JsonObject body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "?api-version=" + DpsEmulator.API_VERSION))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "provhsm-registration-client/0.1");
        if (authorization != null) {
            request.header("authorization", authorization);
        }
        return request.build();
    }

    private HttpClient httpClient(KeyManager[] keyManagers) throws RegistrationException {
        SSLContext context;
        if (trustedServer != null) {
            context = LoopbackServerIdentity.clientContext(trustedServer, keyManagers);
        } else {
            try {
                context = SSLContext.getInstance("TLS");
                context.init(keyManagers, null, null);
            } catch (NoSuchAlgorithmException | java.security.KeyManagementException e) {
                throw new RegistrationException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private record Answer(int status, JsonObject json, String retryAfter) {
    }

    private static Answer send(HttpClient http, HttpRequest request) throws RegistrationException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistrationException("cannot reach " + request.uri().getAuthority() + ": " + e.getMessage(), e);
        }
        JsonObject json;
        try {
            JsonElement element = JsonParser.parseString(response.body());
            json = element.isJsonObject() ? element.getAsJsonObject() : new JsonObject();
        } catch (JsonParseException e) {
            json = new JsonObject();
        }
        return new Answer(response.statusCode(), json, response.headers().firstValue("Retry-After").orElse(null));
    }

    private Duration retryAfter(Answer answer) {
        if (answer.retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.min(10, Long.parseLong(answer.retryAfter.strip())));
            } catch (NumberFormatException e) {
                // fall back to the configured interval
            }
        }
        return pollInterval;
    }

    private static RegistrationException refusal(String step, Answer answer) {
        String message = string(answer.json, "message");
        JsonElement code = answer.json.get("errorCode");
        int errorCode = code != null && code.isJsonPrimitive() ? code.getAsInt() : 0;
        return new RegistrationException(step + " refused: HTTP " + answer.status + (errorCode != 0 ? " errorCode " + errorCode : "")
                + (message != null ? ": " + message : ""), answer.status, errorCode);
    }

    private static String string(JsonObject json, String field) {
        JsonElement element = json == null ? null : json.get(field);
        return element == null || !element.isJsonPrimitive() ? null : element.getAsString();
    }
}
