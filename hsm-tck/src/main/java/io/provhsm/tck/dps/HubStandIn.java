package io.provhsm.tck.dps;

import io.provhsm.tck.service.SasVerifier;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.tck.service.LoopbackServerIdentity;
import io.provhsm.tck.service.X509Attestation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The last step of provisioning, on 127.0.0.1: an HTTPS endpoint standing in for the assigned IoT hub.
 * {@code GET /devices/{deviceId}} is accepted when the device proves the identity the provisioning service
 * assigned: a SAS token for {@code {hub}/devices/{deviceId}} signed with its hub key (TPM: the key of the
 * second activation; symmetric key: the device key), or a TLS client certificate matching its X.509
 * enrollment. Answers 200 {@code {"deviceId", "authentication"}} or 401 with the service's error body.
 */
public final class HubStandIn implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService executor;
    private final Function<String, Optional<AssignedDevice>> devices;

    HubStandIn(LoopbackServerIdentity identity, Function<String, Optional<AssignedDevice>> devices) throws IOException {
        this.devices = devices;
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(DpsEmulator.wantClientAuth(identity));
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "hub-stand-in");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/devices/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The host name devices are assigned to: {@code localhost:PORT}. */
    public String hostName() {
        return "localhost:" + port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                String deviceId = exchange.getRequestURI().getPath().substring("/devices/".length());
                AssignedDevice device = devices.apply(deviceId)
                        .orElseThrow(() -> DpsError.unauthorized("device '" + DpsEmulator.shorten(deviceId) + "' is not registered with this hub"));
                String how = authenticate(exchange, device);
                JsonObject answer = new JsonObject();
                answer.addProperty("deviceId", device.deviceId());
                answer.addProperty("authentication", how);
                DpsEmulator.send(exchange, 200, answer);
            } catch (DpsError e) {
                DpsEmulator.send(exchange, e.status, DpsEmulator.errorBody(e));
            }
        }
    }

    private String authenticate(HttpExchange exchange, AssignedDevice device) throws DpsError {
        String authorization = exchange.getRequestHeaders().getFirst("authorization");
        try {
            if (authorization != null) {
                byte[] key = device.sasKey().orElseThrow(() -> DpsError.unauthorized(
                        "device '" + device.deviceId() + "' authenticates with X.509, not SAS"));
                String resource = device.assignedHub() + "/devices/" + device.deviceId();
                SasVerifier.verify(authorization, key, resource, Instant.now());
                return "sas";
            }
            List<X509Certificate> chain = DpsEmulator.clientChain(exchange);
            if (chain.isEmpty()) {
                throw DpsError.unauthorized("no credentials: send a SAS token or a TLS client certificate");
            }
            if (device.enrollment() instanceof Enrollment.X509Individual leaf) {
                X509Attestation.checkIndividual(chain, leaf.leaf(), device.registrationId(), Instant.now());
            } else if (device.enrollment() instanceof Enrollment.X509Group group) {
                X509Attestation.checkGroup(chain, group.ca().ca(), device.registrationId(), Instant.now());
            } else {
                throw DpsError.unauthorized("device '" + device.deviceId() + "' authenticates with SAS, not X.509");
            }
            return "x509";
        } catch (AttestationException e) {
            throw DpsError.unauthorized(e.getMessage());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
