package io.provhsm.tck.dps;

import io.provhsm.X509Hsm;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS client authentication with an {@link X509Hsm}: JSSE gets the session's chain and its key handle
 * as they are. No key is copied into a KeyStore, so keys that cannot be exported work too (their JCA
 * provider signs the handshake).
 */
public final class HsmKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "provhsm-device";

    private final X509Hsm hsm;

    public HsmKeyManager(X509Hsm hsm) {
        this.hsm = hsm;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseFor(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return chooseFor(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? hsm.certificateChain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? hsm.aliasKey() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** The alias when the leaf's key type is among those the server's signature schemes allow. */
    private String chooseFor(String[] keyTypes) {
        String algorithm = hsm.certificateChain().get(0).getPublicKey().getAlgorithm().toUpperCase(Locale.ROOT);
        String leafType = algorithm.equals("ECDSA") ? "EC" : algorithm;
        boolean fits = keyTypes == null || Arrays.stream(keyTypes)
                .anyMatch(type -> type != null && type.toUpperCase(Locale.ROOT).startsWith(leafType));
        return fits ? ALIAS : null;
    }
}
