package io.provhsm.dice.riot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import io.provhsm.dice.crypto.P256;
import io.provhsm.testing.RiotVector;
import io.provhsm.testing.TestVectors;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every value of every vectors/riot/*.txt file, reproduced bit for bit. */
class RiotVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<RiotVector> vectors() {
        List<RiotVector> all = TestVectors.riotAll();
        assertTrue(all.size() >= 4, "expected the four RIoT vector files, found " + all);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void intermediates(RiotVector v) {
        byte[] uds = v.bytes("uds");
        assertEquals(v.values().get("sha256_uds"), HEX.formatHex(DiceSha256.digest(uds)));
        byte[] cdi = RiotEmulator.cdi(uds, v.bytes("measurement"));
        assertEquals(v.values().get("cdi"), HEX.formatHex(cdi));
        byte[] d1 = RiotEmulator.sha256(cdi);
        assertEquals(v.values().get("deviceid_seed_sha256_cdi"), HEX.formatHex(d1));
        assertEquals(Integer.parseInt(v.values().get("deviceid_srand_seed")), RiotEmulator.srandSeed(d1));
        byte[] d2 = RiotEmulator.sha256(d1, v.bytes("fwid"));
        assertEquals(v.values().get("alias_seed_sha256_d1_fwid"), HEX.formatHex(d2));
        assertEquals(Integer.parseInt(v.values().get("alias_srand_seed")), RiotEmulator.srandSeed(d2));
        assertEquals(v.values().get("deviceid_drbg_entropy48_from_glibc_rand"), HEX.formatHex(RiotEmulator.randomBytes48(d1)));
        assertEquals(v.values().get("alias_drbg_entropy48_from_glibc_rand"), HEX.formatHex(RiotEmulator.randomBytes48(d2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void keysAndCommonName(RiotVector v) {
        RiotIdentity id = RiotEmulator.create(v.bytes("uds"), v.bytes("measurement"), v.bytes("fwid"));
        assertEquals(v.values().get("deviceid_priv"), HEX.formatHex(P256.scalarBytes(id.deviceIdKey().privateScalar())));
        assertEquals("04" + v.values().get("deviceid_pub_x") + v.values().get("deviceid_pub_y"), HEX.formatHex(id.deviceIdKey().publicPoint()));
        assertEquals(v.values().get("alias_priv"), HEX.formatHex(P256.scalarBytes(id.aliasKey().privateScalar())));
        assertEquals("04" + v.values().get("alias_pub_x") + v.values().get("alias_pub_y"), HEX.formatHex(id.aliasKey().publicPoint()));
        assertEquals(v.values().get("root_priv"), HEX.formatHex(P256.scalarBytes(id.rootKey().privateScalar())));
        assertEquals(v.values().get("common_name"), id.commonName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void pemTextOfEveryApiCall(RiotVector v) {
        byte[] deviceAki = authorityKeyId(Pem.decode("CERTIFICATE", v.section("device_cert")).get(0));
        RiotIdentity id = RiotEmulator.create(v.bytes("uds"), v.bytes("measurement"), v.bytes("fwid"), false, deviceAki);
        assertEquals(v.section("device_id_public"), id.deviceIdPublicKeyPem());
        assertEquals(v.section("alias_private_key"), id.aliasPrivateKeyPem());
        assertEquals(v.section("alias_cert"), id.aliasCertificatePem());
        assertEquals(v.section("device_cert"), id.deviceCertificatePem());
        assertEquals(v.section("root_cert"), id.rootCertificatePem());
        assertEquals(v.section("root_key"), id.rootPrivateKeyPem());
        assertEquals(v.section("get_certificate"), id.certificatePem());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void deterministicPartsRepeatAndTheRootKeyIsOffTheCurve(RiotVector v) {
        RiotIdentity a = RiotEmulator.create(v.bytes("uds"), v.bytes("measurement"), v.bytes("fwid"));
        RiotIdentity b = RiotEmulator.create(v.bytes("uds"), v.bytes("measurement"), v.bytes("fwid"));
        assertTrue(Arrays.equals(a.aliasCertificate(), b.aliasCertificate()));
        assertTrue(Arrays.equals(a.rootCertificate(), b.rootCertificate()));
        assertFalse(P256.isOnCurve(a.rootKey().publicPoint()), "the shipped root public key is off the curve");
    }

    /** The last 20 bytes of the (mis-tagged) authority key identifier extension. */
    static byte[] authorityKeyId(byte[] certificateDer) {
        Extension aki = Certificate.getInstance(certificateDer).getTBSCertificate().getExtensions()
                .getExtension(Extension.authorityKeyIdentifier);
        byte[] value = ASN1OctetString.getInstance(aki.getExtnValue()).getOctets();
        return Arrays.copyOfRange(value, value.length - 20, value.length);
    }
}
