package io.provhsm.cli;

import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.Mechanism;
import io.provhsm.Pem;
import io.provhsm.X509Hsm;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Test-scope provider "pem-files": a software X.509 identity read from PEM files (chain leaf first, PKCS#8
 * key, root CA), so the command's X.509 output is tested before and independently of the DICE provider.
 * Settings: provhsm.pem-files.chain, provhsm.pem-files.key, provhsm.pem-files.root. Never picked unless named.
 */
public final class PemFilesX509Provider implements HsmProvider {
    static final String CHAIN = "provhsm.pem-files.chain";
    static final String KEY = "provhsm.pem-files.key";
    static final String ROOT = "provhsm.pem-files.root";

    @Override
    public String name() {
        return "pem-files";
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.X509);
    }

    @Override
    public boolean selectableByDefault() {
        return false;
    }

    @Override
    public Availability availability(HsmConfig config) {
        return config.get(CHAIN).isPresent() && config.get(KEY).isPresent()
                ? Availability.available("chain from " + config.describe(CHAIN))
                : Availability.unavailable("set " + CHAIN + " and " + KEY);
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        List<X509Certificate> chain = Pem.certificates(read(config, CHAIN));
        Optional<X509Certificate> root = config.get(ROOT).map(v -> Pem.certificates(read(config, ROOT)).get(0));
        byte[] der = Pem.decode("PRIVATE KEY", read(config, KEY)).get(0);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new HsmConfigException(config.describe(KEY) + " is not a PKCS#8 EC key");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
        return new Identity(chain, key, root);
    }

    private static String read(HsmConfig config, String setting) {
        try {
            return Files.readString(Path.of(config.require(setting)));
        } catch (IOException e) {
            throw new HsmConfigException(config.describe(setting) + " cannot be read: " + e);
        }
    }

    private record Identity(List<X509Certificate> certificateChain, PrivateKey aliasKey,
                            Optional<X509Certificate> rootCertificate) implements X509Hsm {
        @Override
        public String commonName() {
            try {
                for (Rdn rdn : new LdapName(certificateChain.get(0).getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        return rdn.getValue().toString();
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("leaf certificate has no common name");
        }

        @Override
        public void close() {
        }
    }
}
