package io.provhsm.tck.testing;

import io.provhsm.X509Hsm;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** An X.509 session over software keys, for the kit's own tests. */
public final class SoftwareX509Session implements X509Hsm {
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final String commonName;
    private final X509Certificate root;
    private volatile boolean closed;

    public SoftwareX509Session(List<X509Certificate> chain, PrivateKey key, String commonName, X509Certificate root) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.commonName = commonName;
        this.root = root;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }

    @Override
    public List<X509Certificate> certificateChain() {
        open();
        return chain;
    }

    @Override
    public PrivateKey aliasKey() {
        open();
        return key;
    }

    @Override
    public String commonName() {
        open();
        return commonName;
    }

    @Override
    public Optional<X509Certificate> rootCertificate() {
        open();
        return Optional.ofNullable(root);
    }

    @Override
    public void close() {
        closed = true;
    }
}
