package io.provhsm.tck.dps;

import io.provhsm.tck.service.SasVerifier;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tck.service.ActivationBlobBuilder;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.tck.service.CaVerification;
import io.provhsm.dps.SymmetricKeys;
import io.provhsm.tck.service.LoopbackServerIdentity;
import io.provhsm.tck.service.X509Attestation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLParameters;

/**
 * A provisioning service on 127.0.0.1 speaking the HTTPS registration protocol of specs/dps-http.md, with
 * enrollments in memory: register, operation polling, SAS and X.509 client authentication, and the error
 * answers of the real service (status, {@code errorCode}, {@code trackingId}, {@code message}). A bad
 * request is answered and the server keeps serving. Thread-safe.
 *
 * <pre>{@code
 * try (DpsEmulator dps = DpsEmulator.builder().start()) {
 *     dps.enrollSymmetricKeyGroup("group1", groupKey);
 *     // point a device client at dps.globalEndpoint() ("localhost:PORT") with id scope dps.idScope()
 * }
 * }</pre>
 */
public final class DpsEmulator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DpsEmulator.class.getName());
    static final String API_VERSION = "2019-03-31";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final String idScope;
    private final String assignedHub;
    private final int pollsBeforeAssigned;
    private final LoopbackServerIdentity identity;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final HubStandIn hub;

    private final Map<String, Enrollment> individuals = new ConcurrentHashMap<>();
    private final List<Enrollment> groups = new CopyOnWriteArrayList<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Map<String, AssignedDevice> assigned = new ConcurrentHashMap<>();
    /** TPM registrations challenged so far: the key sealed into the 401 answer's blob, and the SRK it was sealed under. */
    private final Map<String, TpmChallengeState> challenged = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    /** One registration in progress: who it is, how it authenticated, how many polls until it is assigned. */
    private static final class Operation {
        final String operationId = UUID.randomUUID().toString();
        final String registrationId;
        final AssignedDevice device;
        final AtomicInteger pollsLeft;
        /** TPM: the blob sealing the hub key, sent as registrationState.tpm.authenticationKey. */
        final byte[] hubKeyBlob;

        Operation(String registrationId, AssignedDevice device, int polls, byte[] hubKeyBlob) {
            this.registrationId = registrationId;
            this.device = device;
            this.pollsLeft = new AtomicInteger(polls);
            this.hubKeyBlob = hubKeyBlob;
        }
    }

    private record TpmChallengeState(byte[] registrationKey, byte[] storageRootKey) {
    }

    /** Settings of an emulator; all optional. */
    public static final class Builder {
        private String idScope = "0ne00000001";
        private String assignedHub = "provhsm-hub.localhost";
        private int port;
        private int pollsBeforeAssigned;
        private LoopbackServerIdentity identity;
        private boolean hubStandIn;

        /** Also start a {@link HubStandIn} and assign devices to it. */
        public Builder withHubStandIn() {
            this.hubStandIn = true;
            return this;
        }

        public Builder idScope(String idScope) {
            this.idScope = idScope;
            return this;
        }

        /** The hub host name devices are assigned to (e.g. {@code localhost:PORT} of a {@link HubStandIn}). */
        public Builder assignedHub(String assignedHub) {
            this.assignedHub = assignedHub;
            return this;
        }

        /** 0 (default): any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * How many polls answer "assigning" before "assigned". 0 (default): the register answer itself is
         * "assigned", which the service may do and which keeps clients that sleep 2-5 s per poll fast.
         */
        public Builder pollsBeforeAssigned(int polls) {
            this.pollsBeforeAssigned = polls;
            return this;
        }

        public Builder serverIdentity(LoopbackServerIdentity identity) {
            this.identity = identity;
            return this;
        }

        public DpsEmulator start() throws IOException {
            return new DpsEmulator(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private DpsEmulator(Builder builder) throws IOException {
        this.idScope = builder.idScope;
        this.pollsBeforeAssigned = builder.pollsBeforeAssigned;
        this.identity = builder.identity != null ? builder.identity : LoopbackServerIdentity.generate("provhsm-dps-emulator");
        this.hub = builder.hubStandIn ? new HubStandIn(identity, this::deviceById) : null;
        this.assignedHub = hub != null ? hub.hostName() : builder.assignedHub;
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 16);
        this.server.setHttpsConfigurator(wantClientAuth(identity));
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "dps-emulator-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.log(Level.DEBUG, "provisioning-service emulator on 127.0.0.1:{0}, id scope {1}", port(), idScope);
    }

    /** Asks for a client certificate without requiring one: X.509 devices send it, SAS devices do not. */
    static HttpsConfigurator wantClientAuth(LoopbackServerIdentity identity) {
        return new HttpsConfigurator(identity.serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setWantClientAuth(true);
                params.setSSLParameters(parameters);
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** What a device client takes as its global endpoint: {@code localhost:PORT}. */
    public String globalEndpoint() {
        return "localhost:" + port();
    }

    public String idScope() {
        return idScope;
    }

    /** The hub devices are assigned to. */
    public String assignedHub() {
        return assignedHub;
    }

    /** The hub stand-in, when started with {@link Builder#withHubStandIn()}. */
    public Optional<HubStandIn> hub() {
        return Optional.ofNullable(hub);
    }

    public X509Certificate serverCertificate() {
        return identity.certificate();
    }

    /** Requests answered so far (including errors). */
    public int requestCount() {
        return requests.get();
    }

    // ---- enrollments ----

    /** An individual TPM enrollment; the registration id is derived from the EK as the service does. */
    public Enrollment.Tpm enrollTpm(byte[] endorsementKey) {
        Enrollment.Tpm enrollment = new Enrollment.Tpm(RegistrationIds.fromEndorsementKey(endorsementKey), endorsementKey);
        individuals.put(enrollment.registrationId(), enrollment);
        return enrollment;
    }

    public Enrollment.X509Individual enrollX509(X509Certificate leaf) throws AttestationException {
        String registrationId = X509Attestation.commonName(leaf);
        RegistrationIds.requireValid(registrationId);
        Enrollment.X509Individual enrollment = new Enrollment.X509Individual(registrationId, leaf);
        individuals.put(registrationId, enrollment);
        return enrollment;
    }

    /** A group enrollment of a CA; devices under it are refused until {@code ca.verified()}. */
    public Enrollment.X509Group enrollX509Group(String groupId, CaVerification ca) {
        Enrollment.X509Group enrollment = new Enrollment.X509Group(groupId, ca);
        groups.add(enrollment);
        return enrollment;
    }

    public Enrollment.SymmetricKeyIndividual enrollSymmetricKey(String registrationId, byte[] deviceKey) {
        RegistrationIds.requireValid(registrationId);
        Enrollment.SymmetricKeyIndividual enrollment = new Enrollment.SymmetricKeyIndividual(registrationId, deviceKey);
        individuals.put(registrationId, enrollment);
        return enrollment;
    }

    public Enrollment.SymmetricKeyGroup enrollSymmetricKeyGroup(String groupId, byte[] groupKey) {
        Enrollment.SymmetricKeyGroup enrollment = new Enrollment.SymmetricKeyGroup(groupId, groupKey);
        groups.add(enrollment);
        return enrollment;
    }

    /** The device assigned under {@code registrationId}, once it is. */
    public Optional<AssignedDevice> assignedDevice(String registrationId) {
        return Optional.ofNullable(assigned.get(registrationId));
    }

    /** The assigned device with {@code deviceId} (the hub's view). */
    Optional<AssignedDevice> deviceById(String deviceId) {
        return assigned.values().stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
    }

    // ---- protocol ----

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            try {
                JsonObject answer = route(exchange);
                send(exchange, answer.has("registrationState") || !"assigning".equals(text(answer, "status")) ? 200 : 202, answer);
            } catch (DpsError e) {
                LOG.log(Level.DEBUG, "{0} {1}: {2} {3}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.status, e.getMessage());
                send(exchange, e.status, errorBody(e));
            } catch (TpmChallenge challenge) {
                send(exchange, 401, challenge.body);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "emulator error on " + exchange.getRequestURI().getPath(), e);
                send(exchange, 500, errorBody(new DpsError(500, 500000, "internal error: " + e.getClass().getSimpleName())));
            }
        }
    }

    private JsonObject route(HttpExchange exchange) throws DpsError, TpmChallenge, IOException {
        URI uri = exchange.getRequestURI();
        String[] parts = uri.getPath().split("/");
        // "", idScope, "registrations", registrationId, ("register" | "operations", operationId)
        if (parts.length < 5 || !parts[2].equals("registrations")) {
            throw DpsError.notFound("no such resource: " + uri.getPath());
        }
        if (!parts[1].equals(idScope)) {
            throw DpsError.unauthorized("unknown ID scope '" + parts[1] + "'");
        }
        String query = uri.getRawQuery();
        if (query == null || !query.contains("api-version=")) {
            throw DpsError.badRequest("the api-version query parameter is required (e.g. " + API_VERSION + ")");
        }
        String registrationId = parts[3];
        if (!RegistrationIds.isValid(registrationId)) {
            throw DpsError.badRequest("registration id '" + shorten(registrationId) + "' is invalid");
        }
        if (parts.length == 5 && parts[4].equals("register")) {
            if (!exchange.getRequestMethod().equals("PUT")) {
                throw new DpsError(405, DpsError.METHOD_NOT_ALLOWED, "register takes PUT, not " + exchange.getRequestMethod());
            }
            return register(exchange, registrationId);
        }
        if (parts.length == 6 && parts[4].equals("operations")) {
            if (!exchange.getRequestMethod().equals("GET")) {
                throw new DpsError(405, DpsError.METHOD_NOT_ALLOWED, "operation status takes GET, not " + exchange.getRequestMethod());
            }
            return poll(exchange, registrationId, parts[5]);
        }
        throw DpsError.notFound("no such resource: " + uri.getPath());
    }

    private JsonObject register(HttpExchange exchange, String registrationId) throws DpsError, TpmChallenge, IOException {
        JsonObject body = readBody(exchange);
        JsonElement bodyId = body.get("registrationId");
        if (bodyId == null || !bodyId.isJsonPrimitive()) {
            throw DpsError.badRequest("the body has no registrationId");
        }
        if (!bodyId.getAsString().equals(registrationId)) {
            throw DpsError.badRequest("body registrationId '" + shorten(bodyId.getAsString()) + "' differs from the path's '" + registrationId + "'");
        }
        AssignedDevice device = authenticate(exchange, registrationId, body);
        byte[] hubKeyBlob = null;
        if (device.mechanism() == Mechanism.TPM) {
            // the hub key the device activates after assignment, sealed to the same EK and SRK
            Enrollment.Tpm tpm = (Enrollment.Tpm) device.enrollment();
            byte[] hubKey = randomKey();
            hubKeyBlob = ActivationBlobBuilder.forTpm(tpm.endorsementKey(), challenged.get(registrationId).storageRootKey()).build(hubKey);
            device = new AssignedDevice(registrationId, registrationId, assignedHub, Mechanism.TPM, hubKey, tpm);
        }
        Operation operation = new Operation(registrationId, device, pollsBeforeAssigned, hubKeyBlob);
        operations.put(operation.operationId, operation);
        return operationStatus(operation);
    }

    private JsonObject poll(HttpExchange exchange, String registrationId, String operationId) throws DpsError, TpmChallenge {
        Operation operation = operations.get(operationId);
        if (operation == null || !operation.registrationId.equals(registrationId)) {
            throw DpsError.notFound("operation '" + shorten(operationId) + "' not found for registration '" + registrationId + "'");
        }
        AssignedDevice device = authenticate(exchange, registrationId, null);
        if (device.mechanism() != operation.device.mechanism()) {
            throw DpsError.unauthorized("operation '" + operationId + "' was started with " + operation.device.mechanism());
        }
        operation.pollsLeft.decrementAndGet();
        return operationStatus(operation);
    }

    private JsonObject operationStatus(Operation operation) {
        JsonObject answer = new JsonObject();
        answer.addProperty("operationId", operation.operationId);
        if (operation.pollsLeft.get() > 0) {
            answer.addProperty("status", "assigning");
            return answer;
        }
        AssignedDevice device = operation.device;
        assigned.put(device.registrationId(), device);
        answer.addProperty("status", "assigned");
        JsonObject state = new JsonObject();
        String now = Instant.now().toString();
        state.addProperty("registrationId", device.registrationId());
        state.addProperty("createdDateTimeUtc", now);
        state.addProperty("assignedHub", device.assignedHub());
        state.addProperty("deviceId", device.deviceId());
        state.addProperty("status", "assigned");
        state.addProperty("substatus", "initialAssignment");
        state.addProperty("lastUpdatedDateTimeUtc", now);
        state.addProperty("etag", "\"" + UUID.randomUUID() + "\"");
        if (device.enrollment() instanceof Enrollment.SymmetricKeyGroup group) {
            JsonObject symmetric = new JsonObject();
            symmetric.addProperty("enrollmentGroupId", group.groupId());
            state.add("symmetricKey", symmetric);
        } else if (device.enrollment() instanceof Enrollment.X509Group group) {
            JsonObject x509 = new JsonObject();
            x509.addProperty("enrollmentGroupId", group.groupId());
            state.add("x509", x509);
        } else if (operation.hubKeyBlob != null) {
            JsonObject tpm = new JsonObject();
            tpm.addProperty("authenticationKey", Base64.getEncoder().encodeToString(operation.hubKeyBlob));
            state.add("tpm", tpm);
        }
        answer.add("registrationState", state);
        return answer;
    }

    /** Who the request proves to be: by SAS (symmetric key, TPM after activation) or by client certificate. */
    private AssignedDevice authenticate(HttpExchange exchange, String registrationId, JsonObject body) throws DpsError, TpmChallenge {
        String authorization = exchange.getRequestHeaders().getFirst("authorization");
        if (body != null && body.has("tpm") && authorization == null) {
            throw challenge(registrationId, body);
        }
        if (authorization != null) {
            return authenticateSas(registrationId, authorization);
        }
        List<X509Certificate> chain = clientChain(exchange);
        if (!chain.isEmpty()) {
            return authenticateX509(registrationId, chain);
        }
        throw DpsError.unauthorized("no credentials: send a SAS token in the authorization header or a TLS client certificate");
    }

    private AssignedDevice authenticateSas(String registrationId, String authorization) throws DpsError {
        String resource = idScope + "/registrations/" + registrationId;
        Enrollment individual = individuals.get(registrationId);
        List<Enrollment> candidates = new ArrayList<>();
        if (individual != null) {
            candidates.add(individual);
        } else {
            groups.stream().filter(g -> g instanceof Enrollment.SymmetricKeyGroup).forEach(candidates::add);
        }
        if (candidates.isEmpty()) {
            throw DpsError.unauthorized("registration '" + registrationId + "' is not enrolled");
        }
        String lastProblem = "no symmetric-key enrollment for '" + registrationId + "'";
        for (Enrollment enrollment : candidates) {
            byte[] key;
            if (enrollment instanceof Enrollment.SymmetricKeyIndividual individualKey) {
                key = individualKey.deviceKey();
            } else if (enrollment instanceof Enrollment.Tpm) {
                TpmChallengeState state = challenged.get(registrationId);
                if (state == null) {
                    throw DpsError.unauthorized("TPM registration '" + registrationId + "' has no activated key yet: "
                            + "register with the endorsement and storage root keys first");
                }
                key = state.registrationKey();
            } else if (enrollment instanceof Enrollment.SymmetricKeyGroup group) {
                key = SymmetricKeys.deriveDeviceKey(group.groupKey(), registrationId);
            } else {
                continue;
            }
            try {
                SasVerifier.verify(authorization, key, resource, Instant.now());
                Mechanism mechanism = enrollment instanceof Enrollment.Tpm ? Mechanism.TPM : Mechanism.SYMMETRIC_KEY;
                return new AssignedDevice(registrationId, registrationId, assignedHub, mechanism, key, enrollment);
            } catch (AttestationException e) {
                lastProblem = e.getMessage();
            }
        }
        if (individual == null) {
            throw DpsError.unauthorized("registration '" + registrationId + "' is not enrolled, and no enrollment group's "
                    + "derived key verifies its SAS token (" + lastProblem + ")");
        }
        throw DpsError.unauthorized(lastProblem);
    }

    private AssignedDevice authenticateX509(String registrationId, List<X509Certificate> chain) throws DpsError {
        Instant now = Instant.now();
        Enrollment individual = individuals.get(registrationId);
        if (individual instanceof Enrollment.X509Individual leaf) {
            try {
                X509Attestation.checkIndividual(chain, leaf.leaf(), registrationId, now);
                return new AssignedDevice(registrationId, registrationId, assignedHub, Mechanism.X509, null, leaf);
            } catch (AttestationException e) {
                throw DpsError.unauthorized(e.getMessage());
            }
        }
        String lastProblem = "registration '" + registrationId + "' is not enrolled and no enrolled CA issued its certificate";
        for (Enrollment enrollment : groups) {
            if (enrollment instanceof Enrollment.X509Group group) {
                try {
                    X509Attestation.checkGroup(chain, group.ca().ca(), registrationId, now);
                } catch (AttestationException e) {
                    lastProblem = e.getMessage();
                    continue;
                }
                if (!group.ca().verified()) {
                    throw DpsError.unauthorized("the CA of enrollment group '" + group.groupId() + "' is not verified (proof of possession missing)");
                }
                return new AssignedDevice(registrationId, registrationId, assignedHub, Mechanism.X509, null, group);
            }
        }
        throw DpsError.unauthorized(lastProblem);
    }

    /** The 401 answer to a TPM registration without a token: a fresh registration key sealed to the device's EK and SRK. */
    private TpmChallenge challenge(String registrationId, JsonObject body) throws DpsError {
        JsonElement tpm = body.get("tpm");
        if (!tpm.isJsonObject()) {
            throw DpsError.badRequest("tpm is not an object");
        }
        byte[] endorsementKey = base64Field(tpm.getAsJsonObject(), "endorsementKey");
        byte[] storageRootKey = base64Field(tpm.getAsJsonObject(), "storageRootKey");
        Enrollment enrollment = individuals.get(registrationId);
        if (!(enrollment instanceof Enrollment.Tpm enrolled)) {
            throw DpsError.unauthorized("registration '" + registrationId + "' is not enrolled with a TPM");
        }
        if (!java.util.Arrays.equals(enrolled.endorsementKey(), endorsementKey)) {
            throw DpsError.unauthorized("the endorsement key differs from the one enrolled for '" + registrationId + "'");
        }
        byte[] registrationKey = randomKey();
        byte[] blob;
        try {
            blob = ActivationBlobBuilder.forTpm(endorsementKey, storageRootKey).build(registrationKey);
        } catch (InvalidInputException e) {
            throw DpsError.badRequest("tpm keys are unusable: " + e.getMessage());
        }
        challenged.put(registrationId, new TpmChallengeState(registrationKey, storageRootKey));
        return new TpmChallenge(blob);
    }

    private static byte[] base64Field(JsonObject object, String field) throws DpsError {
        JsonElement element = object.get(field);
        if (element == null || !element.isJsonPrimitive()) {
            throw DpsError.badRequest("tpm." + field + " is missing");
        }
        try {
            return Base64.getDecoder().decode(element.getAsString());
        } catch (IllegalArgumentException e) {
            throw DpsError.badRequest("tpm." + field + " is not base64");
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    static List<X509Certificate> clientChain(HttpExchange exchange) {
        List<X509Certificate> chain = new ArrayList<>();
        if (exchange instanceof HttpsExchange https) {
            try {
                for (Certificate certificate : https.getSSLSession().getPeerCertificates()) {
                    chain.add((X509Certificate) certificate);
                }
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate: the device authenticates otherwise
            }
        }
        return chain;
    }

    private static JsonObject readBody(HttpExchange exchange) throws DpsError, IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(64 * 1024 + 1);
        }
        if (bytes.length > 64 * 1024) {
            throw DpsError.badRequest("request body is larger than 64 KiB");
        }
        try {
            JsonElement element = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!element.isJsonObject()) {
                throw DpsError.badRequest("request body is not a JSON object");
            }
            return element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw DpsError.badRequest("request body is not valid JSON");
        }
    }

    static JsonObject errorBody(DpsError error) {
        JsonObject body = new JsonObject();
        body.addProperty("errorCode", error.errorCode);
        body.addProperty("trackingId", UUID.randomUUID().toString());
        body.addProperty("message", error.getMessage());
        body.addProperty("timestampUtc", Instant.now().toString());
        return body;
    }

    static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String text(JsonObject object, String field) {
        JsonElement element = object.get(field);
        return element == null || !element.isJsonPrimitive() ? null : element.getAsString();
    }

    static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /** The first answer to a TPM registration: 401 with the activation blob. */
    static final class TpmChallenge extends Exception {
        private static final long serialVersionUID = 1L;
        final transient JsonObject body;

        TpmChallenge(byte[] blob) {
            super("TPM challenge", null, false, false);
            body = new JsonObject();
            body.addProperty("authenticationKey", Base64.getEncoder().encodeToString(blob));
            body.addProperty("keyName", "registration");
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (hub != null) {
            hub.close();
        }
    }
}
