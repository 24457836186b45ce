package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Hsms;
import io.provhsm.Pem;
import io.provhsm.X509Hsm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example library's chain and key authenticate a TLS client on 127.0.0.1 to a JSSE server that trusts only
 * the example's root; openssl verifies the same chain independently.
 */
class TlsClientAuthTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    static Path dir;
    private static KeyStore serverKeys;

    /** The server's own identity, made by the JDK's keytool (no library of ours involved). */
    @BeforeAll
    static void serverIdentity() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed: " + output);
        serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            serverKeys.load(in, PASSWORD);
        }
    }

    private static TrustManagerFactory trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("trusted", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void exampleIdentityCompletesMutualTls(String binding) throws Exception {
        try (X509Hsm hsm = Hsms.openX509(ExampleLibraryTest.config(binding).with("provhsm.provider", "custom"))) {
            List<X509Certificate> chain = hsm.certificateChain();
            X509Certificate root = hsm.rootCertificate().orElseThrow();
            opensslVerifies(root, chain.get(0));

            KeyManagerFactory serverKm = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            serverKm.init(serverKeys, PASSWORD);
            SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
            serverContext.init(serverKm.getKeyManagers(), trusting(root).getTrustManagers(), null);

            KeyStore clientKeys = KeyStore.getInstance("PKCS12");
            clientKeys.load(null, null);
            clientKeys.setKeyEntry("device", hsm.aliasKey(), PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory clientKm = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            clientKm.init(clientKeys, PASSWORD);
            SSLContext clientContext = SSLContext.getInstance("TLSv1.3");
            clientContext.init(clientKm.getKeyManagers(),
                    trusting((X509Certificate) serverKeys.getCertificate("server")).getTrustManagers(), null);

            try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                    .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                server.setNeedClientAuth(true);
                CompletableFuture<String> seenByServer = CompletableFuture.supplyAsync(() -> {
                    try (SSLSocket accepted = (SSLSocket) server.accept()) {
                        accepted.setSoTimeout(10_000);
                        int b = accepted.getInputStream().read();
                        accepted.getOutputStream().write(b + 1);
                        accepted.getOutputStream().flush();
                        X509Certificate peer = (X509Certificate) accepted.getSession().getPeerCertificates()[0];
                        return peer.getSubjectX500Principal().getName();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                        .createSocket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    client.setSoTimeout(10_000);
                    OutputStream out = client.getOutputStream();
                    out.write(41);
                    out.flush();
                    assertEquals(42, client.getInputStream().read());
                }
                assertEquals("CN=" + hsm.commonName(), seenByServer.get(20, TimeUnit.SECONDS));
            }
        }
    }

    private static void opensslVerifies(X509Certificate root, X509Certificate leaf) throws Exception {
        Path rootPem = Files.writeString(dir.resolve("root.pem"), Pem.certificate(root));
        Path leafPem = Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(leaf));
        Process openssl = new ProcessBuilder("openssl", "verify", "-purpose", "sslclient", "-CAfile", rootPem.toString(),
                leafPem.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl verify: " + output);
        assertTrue(output.contains(": OK"), output);
    }
}
