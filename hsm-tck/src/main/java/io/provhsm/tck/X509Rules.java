package io.provhsm.tck;

import static io.provhsm.tck.RuleContext.require;
import static io.provhsm.tck.RuleContext.requireThrows;

import io.provhsm.Mechanism;
import io.provhsm.Pem;
import io.provhsm.X509Hsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tck.dps.HsmKeyManager;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.tck.service.LoopbackServerIdentity;
import io.provhsm.tck.service.X509Attestation;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;

/** Rules for X.509 identities (the C SDK's HSM_CLIENT_X509_INTERFACE). */
final class X509Rules {
    static final Mechanism X509 = Mechanism.X509;
    private static final SecureRandom RANDOM = new SecureRandom();

    private X509Rules() {
    }

    static List<Rule> all() {
        return List.of(
                Rule.required(X509, Suite.CONTRACT, "registration-id", "the registration id follows the service's rules", X509Rules::registrationId),
                Rule.required(X509, Suite.CONTRACT, "chain-leaf-first", "each certificate of the chain is issued by the next one", X509Rules::chainLeafFirst),
                Rule.required(X509, Suite.CONTRACT, "leaf-cn-is-registration-id", "the leaf's CN is the common name and the registration id", X509Rules::leafCn),
                Rule.required(X509, Suite.CONTRACT, "private-key-matches-leaf", "the alias key is the leaf's private key", X509Rules::keyMatchesLeaf),
                Rule.required(X509, Suite.CONTRACT, "pem-views-parse", "the PEM views parse back to the same values", X509Rules::pemViews),
                Rule.required(X509, Suite.FUNCTION, "signature-verifies-with-leaf", "a signature with the alias key verifies with the leaf's public key", X509Rules::signatureVerifies),
                Rule.required(X509, Suite.FUNCTION, "tls-client-auth", "TLS client authentication on 127.0.0.1 is accepted against the enrolled CA", X509Rules::tlsClientAuth),
                Rule.required(X509, Suite.ROBUSTNESS, "use-after-close", "calls after close throw IllegalStateException; close is idempotent", X509Rules::useAfterClose),
                Rule.required(X509, Suite.ROBUSTNESS, "concurrent-use", "8 threads at once read the chain and sign correctly", X509Rules::concurrentUse),
                Rule.required(X509, Suite.ROBUSTNESS, "reopen-after-close", "a session opened after close works", X509Rules::reopenAfterClose),
                Rule.required(X509, Suite.PERSISTENCE, "same-identity-after-reopen", "the same leaf key and registration id after reopen", X509Rules::sameIdentityAfterReopen));
    }

    private static void registrationId(RuleContext context) {
        String id = context.openX509().registrationId();
        require(RegistrationIds.isValid(id), () -> "registration id '" + id + "' breaks the service's rules (lowercase a-z, 0-9, "
                + "'-', '.', '_', ':', 1 to " + RegistrationIds.MAX_LENGTH + " characters)");
    }

    private static void chainLeafFirst(RuleContext context) {
        List<X509Certificate> chain = context.openX509().certificateChain();
        require(chain != null && !chain.isEmpty(), () -> "certificate chain is empty");
        try {
            X509Attestation.checkChain(chain, Instant.now());
        } catch (AttestationException e) {
            throw new RuleViolation("chain is not leaf-first: " + e.getMessage());
        }
    }

    private static void leafCn(RuleContext context) throws AttestationException {
        X509Hsm hsm = context.openX509();
        String leafCn = X509Attestation.commonName(hsm.certificateChain().get(0));
        require(leafCn.equals(hsm.commonName()), () -> "leaf CN '" + leafCn + "' differs from commonName() '" + hsm.commonName() + "'");
        require(leafCn.equals(hsm.registrationId()), () -> "leaf CN '" + leafCn + "' differs from registrationId() '" + hsm.registrationId() + "'");
    }

    private static void keyMatchesLeaf(RuleContext context) {
        X509Hsm hsm = context.openX509();
        PublicKey leaf = hsm.certificateChain().get(0).getPublicKey();
        PrivateKey key = hsm.aliasKey();
        require(key != null, () -> "aliasKey() is null");
        require(family(key.getAlgorithm()).equals(family(leaf.getAlgorithm())),
                () -> "alias key is " + key.getAlgorithm() + " but the leaf's key is " + leaf.getAlgorithm());
        if (key instanceof ECPrivateKey ec && leaf instanceof ECPublicKey ecLeaf && key.getEncoded() != null) {
            ECPoint derived = EC5Util.convertSpec(ecLeaf.getParams()).getG().multiply(ec.getS()).normalize();
            boolean same = derived.getAffineXCoord().toBigInteger().equals(ecLeaf.getW().getAffineX())
                    && derived.getAffineYCoord().toBigInteger().equals(ecLeaf.getW().getAffineY());
            require(same, () -> "alias key is not the leaf's private key: its public point differs from the leaf certificate's");
        } else if (key instanceof RSAPrivateCrtKey rsa && leaf instanceof RSAPublicKey rsaLeaf) {
            require(rsa.getModulus().equals(rsaLeaf.getModulus()) && rsa.getPublicExponent().equals(rsaLeaf.getPublicExponent()),
                    () -> "alias key is not the leaf's private key: its RSA modulus differs from the leaf certificate's");
        } else if (key instanceof ECKey ecHandle && leaf instanceof ECPublicKey ecLeaf) {
            // a hardware handle shows only its curve; signature-verifies-with-leaf proves the key itself
            require(ecHandle.getParams().getCurve().equals(ecLeaf.getParams().getCurve()),
                    () -> "alias key is on another curve than the leaf's key");
        }
    }

    private static void pemViews(RuleContext context) throws GeneralSecurityException {
        X509Hsm hsm = context.openX509();
        List<X509Certificate> chain = hsm.certificateChain();
        List<X509Certificate> parsed = Pem.certificates(hsm.certificateChainPem());
        require(parsed.equals(chain), () -> "certificateChainPem() parses to " + parsed.size()
                + " certificates that differ from certificateChain() (" + chain.size() + ")");
        PrivateKey key = hsm.aliasKey();
        byte[] encoded = key.getEncoded();
        Optional<String> keyPem = hsm.aliasKeyPem();
        if (encoded != null && "PKCS#8".equals(key.getFormat())) {
            require(keyPem.isPresent(), () -> "alias key is exportable (PKCS#8) but aliasKeyPem() is empty");
            List<byte[]> blocks = Pem.decode("PRIVATE KEY", keyPem.get());
            require(blocks.size() == 1, () -> "aliasKeyPem() has " + blocks.size() + " PRIVATE KEY blocks, expected 1");
            PrivateKey reparsed = KeyFactory.getInstance(key.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
            require(Arrays.equals(reparsed.getEncoded(), encoded), () -> "aliasKeyPem() parses to another key than aliasKey()");
            Arrays.fill(encoded, (byte) 0);
        } else {
            require(keyPem.isEmpty(), () -> "alias key is not exportable (getEncoded() is null) but aliasKeyPem() returned text");
        }
        Optional<X509Certificate> root = hsm.rootCertificate();
        if (root.isPresent()) {
            List<X509Certificate> rootParsed = Pem.certificates(Pem.certificate(root.get()));
            require(rootParsed.size() == 1 && rootParsed.get(0).equals(root.get()), () -> "rootCertificate() does not survive PEM");
            try {
                // the chain only: the leaf's CN is leaf-cn-is-registration-id's question, not this rule's
                X509Attestation.checkLeadsToCa(chain, root.get(), Instant.now());
            } catch (AttestationException e) {
                throw new RuleViolation("the chain does not lead to rootCertificate(): " + e.getMessage());
            }
        }
    }

    private static void signatureVerifies(RuleContext context) throws GeneralSecurityException {
        X509Hsm hsm = context.openX509();
        byte[] data = new byte[64];
        RANDOM.nextBytes(data);
        requireSignatureVerifies(hsm, data, "signature over 64 random bytes");
    }

    private static void requireSignatureVerifies(X509Hsm hsm, byte[] data, String what) throws GeneralSecurityException {
        PublicKey leaf = hsm.certificateChain().get(0).getPublicKey();
        String algorithm = signatureAlgorithm(leaf);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(hsm.aliasKey());
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf);
        verifier.update(data);
        boolean valid;
        try {
            valid = verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            valid = false;
        }
        require(valid, () -> what + " (" + algorithm + ", provider " + signer.getProvider().getName()
                + ") does not verify with the leaf certificate's public key: the alias key signs as another key");
    }

    private static void tlsClientAuth(RuleContext context) throws Exception {
        X509Hsm hsm = context.openX509();
        List<X509Certificate> chain = hsm.certificateChain();
        Optional<X509Certificate> ca = hsm.rootCertificate();
        LoopbackServerIdentity server = LoopbackServerIdentity.generate("provhsm-tck");
        ExecutorService executor = Executors.newSingleThreadExecutor(Kit.daemonThreads("tck-tls-server"));
        try (SSLServerSocket listener = (SSLServerSocket) server.serverContext().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(20_000);
            Future<String> verdict = executor.submit(() -> {
                try (SSLSocket peer = (SSLSocket) listener.accept()) {
                    peer.setSoTimeout(20_000);
                    peer.startHandshake();
                    Certificate[] presented = peer.getSession().getPeerCertificates();
                    List<X509Certificate> presentedChain = new ArrayList<>();
                    for (Certificate c : presented) {
                        presentedChain.add((X509Certificate) c);
                    }
                    String problem = null;
                    try {
                        // the service also wants CN = registration id; leaf-cn-is-registration-id asks that, so a
                        // wrong CN fails that one rule rather than every rule that presents the certificate
                        if (ca.isPresent()) {
                            X509Attestation.checkLeadsToCa(presentedChain, ca.get(), Instant.now());
                        } else {
                            X509Attestation.checkIsEnrolledLeaf(presentedChain, chain.get(0), Instant.now());
                        }
                    } catch (AttestationException e) {
                        problem = e.getMessage();
                    }
                    InputStream in = peer.getInputStream();
                    int hello = in.read();
                    OutputStream out = peer.getOutputStream();
                    out.write(problem == null ? 1 : 0);
                    out.flush();
                    return hello == 0x42 ? problem : "client sent no data after the handshake";
                }
            });
            int answer;
            // the client closes before waiting for the server's verdict: closing TLS waits for the peer's close_notify
            try (SSLSocket client = (SSLSocket) LoopbackServerIdentity.clientContext(server.certificate(),
                    new KeyManager[] {new HsmKeyManager(hsm)}).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setSoTimeout(20_000);
                client.startHandshake();
                client.getOutputStream().write(0x42);
                client.getOutputStream().flush();
                answer = client.getInputStream().read();
            } catch (javax.net.ssl.SSLException e) {
                throw new RuleViolation("TLS client authentication failed: " + e.getMessage(), e);
            }
            String problem;
            try {
                problem = verdict.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new RuleViolation("TLS client authentication failed on the server side: " + e.getCause(), e.getCause());
            }
            require(problem == null && answer == 1, () -> "the service refused the client certificate ("
                    + (ca.isPresent() ? "group enrollment of rootCertificate()" : "individual enrollment of the leaf")
                    + "): " + problem);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void useAfterClose(RuleContext context) {
        X509Hsm hsm = context.openX509();
        hsm.close();
        requireThrows(IllegalStateException.class, "certificateChain() after close", hsm::certificateChain);
        requireThrows(IllegalStateException.class, "aliasKey() after close", hsm::aliasKey);
        requireThrows(IllegalStateException.class, "commonName() after close", hsm::commonName);
        try {
            hsm.close();
        } catch (RuntimeException e) {
            throw new RuleViolation("a second close() threw " + e + "; close must be idempotent", e);
        }
    }

    private static void concurrentUse(RuleContext context) throws Exception {
        X509Hsm hsm = context.openX509();
        List<X509Certificate> reference = hsm.certificateChain();
        Kit.concurrently(8, 12, (thread, iteration) -> {
            List<X509Certificate> chain = hsm.certificateChain();
            if (!chain.equals(reference)) {
                throw new RuleViolation("thread " + thread + " iteration " + iteration + ": certificateChain() changed");
            }
            byte[] data = new byte[32];
            RANDOM.nextBytes(data);
            requireSignatureVerifies(hsm, data, "thread " + thread + " iteration " + iteration + ": signature");
        });
    }

    private static void reopenAfterClose(RuleContext context) throws GeneralSecurityException {
        X509Hsm first = context.openX509();
        String id = first.registrationId();
        first.close();
        X509Hsm second = context.openX509();
        require(second.registrationId().equals(id), () -> "reopened session has registration id '" + second.registrationId()
                + "', the closed one had '" + id + "'");
        requireSignatureVerifies(second, new byte[] {1, 2, 3}, "signature on the reopened session");
    }

    private static void sameIdentityAfterReopen(RuleContext context) {
        X509Hsm first = context.openX509();
        String id = first.registrationId();
        PublicKey key = first.certificateChain().get(0).getPublicKey();
        first.close();
        X509Hsm second = context.openX509();
        require(second.registrationId().equals(id), () -> "identity lost on reopen: registration id '" + id + "' became '"
                + second.registrationId() + "'");
        require(Arrays.equals(second.certificateChain().get(0).getPublicKey().getEncoded(), key.getEncoded()),
                () -> "identity lost on reopen: the leaf certificate carries another public key");
    }

    static String signatureAlgorithm(PublicKey key) {
        return switch (family(key.getAlgorithm())) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            default -> throw new RuleNotApplicable("the kit cannot sign with a " + key.getAlgorithm() + " key");
        };
    }

    private static String family(String algorithm) {
        String upper = algorithm.toUpperCase(java.util.Locale.ROOT);
        return upper.equals("ECDSA") ? "EC" : upper;
    }

}
