package io.provhsm.custom;

import io.provhsm.HsmException;
import io.provhsm.Pem;
import io.provhsm.X509Hsm;
import io.provhsm.dps.HmacSha256;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** {@link X509Hsm} over a library's {@code HSM_CLIENT_X509_INTERFACE}: PEM chain, PEM key, common name. */
final class CustomX509Hsm extends CustomSession implements X509Hsm {
    private static final int GET_CERT = 2;
    private static final int GET_KEY = 3;
    private static final int GET_COMMON_NAME = 4;
    /** X.520's ub-common-name: 64 characters, at most 4 UTF-8 bytes each, and the NUL. */
    private static final int COMMON_NAME_BOUND = 4 * 64 + 1;

    CustomX509Hsm(HsmLibrary library, boolean threadSafe) {
        super(library, HsmTable.X509, threadSafe);
    }

    @Override
    public List<X509Certificate> certificateChain() {
        String pem = call(() -> library.callString(table, GET_CERT, handle, HsmLibrary.MAX_RETURNED));
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(pem);
        } catch (HsmException e) {
            throw new HsmException(table.name(GET_CERT) + " returned a certificate that does not parse: " + e.getMessage()
                    + library.where(), e);
        }
        if (chain.isEmpty()) {
            throw new HsmException(table.name(GET_CERT) + " returned no PEM CERTIFICATE block (" + pem.length() + " characters)"
                    + library.where());
        }
        return List.copyOf(chain);
    }

    @Override
    public PrivateKey aliasKey() {
        byte[] pem = call(() -> library.callSecretString(table, GET_KEY, handle, HsmLibrary.MAX_RETURNED));
        try {
            return PemPrivateKeys.parse(pem);
        } catch (HsmException e) {
            throw new HsmException(table.name(GET_KEY) + " returned an unusable key: " + e.getMessage() + library.where(), e);
        } finally {
            HmacSha256.wipe(pem);
        }
    }

    @Override
    public String commonName() {
        return call(() -> library.callString(table, GET_COMMON_NAME, handle, COMMON_NAME_BOUND));
    }

    /** The last certificate of the chain when it is self-signed (the CA a group enrollment is made with). */
    @Override
    public Optional<X509Certificate> rootCertificate() {
        List<X509Certificate> chain = certificateChain();
        X509Certificate last = chain.get(chain.size() - 1);
        if (chain.size() < 2 || !last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return Optional.empty();
        }
        try {
            last.verify(last.getPublicKey());
            return Optional.of(last);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }
}
