package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The identity connects: TLS servers on 127.0.0.1 that require client authentication and trust only the root CA (as a
 * hub does for a group enrollment) accept the alias key and chain. Peers: JSSE, and openssl s_server.
 */
class TlsHandshakeTest {
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    static X509Certificate serverCertificate;
    static PrivateKey serverKey;

    @BeforeAll
    static void serverIdentity() throws Exception {
        OpenSsl.Result made = OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "server.key", "-out", "server.pem", "-subj", "/CN=localhost", "-days", "2");
        assertEquals(0, made.exitCode(), made.output());
        serverCertificate = Pem.certificates(Files.readString(dir.resolve("server.pem"))).get(0);
        serverKey = KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(Pem.decode("PRIVATE KEY", Files.readString(dir.resolve("server.key"))).get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void jsseServerTrustingOnlyTheRootCaAcceptsTheAliasKeyAndChain(String protocol) throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("device"))) {
            X509Certificate peer = handshakeWithJsse(hsm, hsm.rootCertificate().orElseThrow(), protocol);
            assertEquals(hsm.certificateChain().get(0), peer);
        }
    }

    @Test
    void jsseServerTrustingAnotherRootRefusesTheClient() throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("device"));
             DiceX509Hsm other = DiceSessions.open(dir.resolve("other-manufacturer"))) {
            assertThrows(IOException.class, () -> handshakeWithJsse(hsm, other.rootCertificate().orElseThrow(), "TLSv1.3"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls1_2", "tls1_3"})
    void opensslServerWithVerifyAcceptsTheAliasKeyAndChain(String protocol) throws Exception {
        try (DiceX509Hsm hsm = DiceSessions.open(dir.resolve("device"))) {
            Path root = OpenSsl.write(dir, "root.pem", Pem.certificate(hsm.rootCertificate().orElseThrow()));
            Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:0",
                    "-cert", dir.resolve("server.pem").toString(), "-key", dir.resolve("server.key").toString(),
                    "-CAfile", root.toString(), "-Verify", "3", "-verify_return_error", "-naccept", "1", "-www", "-" + protocol)
                    .redirectErrorStream(true).start();
            try {
                BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                int port = acceptedPort(serverOut);
                SSLContext context = clientContext(hsm);
                String response;
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
                    socket.setSoTimeout(20_000);
                    socket.startHandshake();
                    OutputStream out = socket.getOutputStream();
                    out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
                String expectedProtocol = protocol.equals("tls1_3") ? "TLSv1.3" : "TLSv1.2";
                assertTrue(response.contains("Protocol  : " + expectedProtocol), response);
                assertTrue(response.contains("Subject: CN = " + hsm.registrationId()) || response.contains("Subject: CN=" + hsm.registrationId()), response);
                assertTrue(server.waitFor(20, TimeUnit.SECONDS), "s_server ends after one connection");
                String log = serverOut.lines().collect(java.util.stream.Collectors.joining("\n"));
                assertTrue(log.contains("depth=0 CN = " + hsm.registrationId()), log);
                assertTrue(!log.contains("verify error"), log);
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs one JSSE server handshake on 127.0.0.1 and returns the client's leaf certificate as the server saw it. */
    private static X509Certificate handshakeWithJsse(DiceX509Hsm hsm, X509Certificate trustedRoot, String protocol) throws Exception {
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("server", serverKey, STORE_PASSWORD, new Certificate[] {serverCertificate});
        KeyManagerFactory serverKmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        serverKmf.init(serverKeys, STORE_PASSWORD);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("group-ca", trustedRoot);
        TrustManagerFactory serverTmf = TrustManagerFactory.getInstance("PKIX");
        serverTmf.init(anchors);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(serverKmf.getKeyManagers(), serverTmf.getTrustManagers(), null);

        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {protocol});
            listener.setSoTimeout(20_000);
            CompletableFuture<X509Certificate> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(20_000);
                    socket.startHandshake();
                    assertEquals(protocol, socket.getSession().getProtocol());
                    int b = socket.getInputStream().read();
                    socket.getOutputStream().write(b + 1);
                    socket.getOutputStream().flush();
                    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) clientContext(hsm).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setSoTimeout(20_000);
                client.setEnabledProtocols(new String[] {protocol});
                client.startHandshake();
                client.getOutputStream().write(41);
                client.getOutputStream().flush();
                int answer = client.getInputStream().read();
                if (answer != 42) {
                    throw new SSLException("the server closed the connection (answer " + answer + ")");
                }
            }
            return seen.get(20, TimeUnit.SECONDS);
        }
    }

    /** The device side: the alias key with the chain, trusting the test server's certificate. */
    private static SSLContext clientContext(DiceX509Hsm hsm) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("device", hsm.aliasKey(), STORE_PASSWORD, hsm.certificateChain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverCertificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static int acceptedPort(BufferedReader serverOut) throws IOException {
        Pattern accept = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");
        StringBuilder seen = new StringBuilder();
        for (String line; (line = serverOut.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = accept.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("openssl s_server did not start: " + seen);
    }
}
