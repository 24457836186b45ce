package io.provhsm.dice.riot;

import io.provhsm.InvalidInputException;
import io.provhsm.dice.crypto.Der;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.HmacDrbg;
import io.provhsm.dice.crypto.P256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The Azure IoT C SDK's DICE/RIoT emulator, reproduced bit for bit (RIoT at its 2020 fix of leading-zero signature
 * integers, gcc 12 / glibc 2.36 / x86-64), including its defects: keys seeded from libc {@code rand()}, a root public
 * key that is off the curve, a mis-tagged authority key identifier and one common name for every device. Use it only
 * to keep an identity enrolled with the C emulator; {@link #createFixed} repairs the root key pair so chains verify.
 * Thread-safe (stateless).
 */
public final class RiotEmulator {
    public static final int INPUT_SIZE = 32;
    /** The C SDK's built-in inputs. */
    public static final byte[] DEFAULT_UDS = hex("54105d2ecd07f90199b395c74261a08cff271a0df66f1fe00034bb11f7989a12");
    public static final byte[] DEFAULT_MEASUREMENT = hex("b5859493661e2eae9677c55d590b9294e094abafd740787e050dfe6d859053a0");
    public static final byte[] DEFAULT_FWID = hex("6be9b184c937c28e122eee512b68ea8e00c3dd159ea4e85e84cba966f446cd4e");
    /** The common name of every alias certificate the reference issues. */
    public static final String ALIAS_COMMON_NAME = "riot-device-cert";

    /** The reference's hard-coded root private key (public test value, not a secret). */
    static final BigInteger ROOT_PRIVATE = new BigInteger("e3e7c713573fd9c8b8e1eaf453f1561502f071c05349c8dae626a90b1788e570", 16);
    /** The reference's hard-coded root public key, stored byte-reversed: not a point of the curve. */
    static final byte[] ROOT_PUBLIC_AS_SHIPPED = hex("04eb9cfcc84994d350a71f9dc5093dd2feb94897f495a55decc90f52a1265aab69"
            + "7dceb16239f83cd59aad9e05b14f70a2fad4fb04e537d2639a469efdb05b1edf");

    private static final byte[] OID_KEY_USAGE = {0x55, 0x1d, 0x0f};
    private static final byte[] OID_BASIC_CONSTRAINTS = {0x55, 0x1d, 0x13};
    private static final byte[] OID_AUTHORITY_KEY_ID = {0x55, 0x1d, 0x23};
    private static final byte[] OID_EXT_KEY_USAGE = {0x55, 0x1d, 0x25};
    private static final byte[] OID_CLIENT_AUTH = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
    /** keyUsage BIT STRING as the reference writes it: keyCertSign only, even on the alias (leaf) certificate. */
    private static final byte[] KEY_CERT_SIGN_ONLY = {0x03, 0x02, 0x00, 0x04};
    private static final byte[] SERIAL_ALIAS = hex("0a0b0c0d0e000000");
    private static final byte[] SERIAL_DEVICE = hex("0e0d0c0b0a000000");
    private static final byte[] SERIAL_ROOT = hex("1a2b3c4d5e000000");
    private static final byte[] VALIDITY = Der.sequence(Der.ascii(Der.UTC_TIME, "170101000000Z"), Der.ascii(Der.UTC_TIME, "370101000000Z"));
    private static final byte[] OID_TCG_RIOT = {0x67, (byte) 0x81, 0x05, 0x05, 0x04, 0x01};
    private static final byte[] OID_SHA256 = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};

    private RiotEmulator() {
    }

    /** The reference's identity: off-curve root key, device certificate AKI = SHA-1 of the root public key as shipped. */
    public static RiotIdentity create(byte[] uds, byte[] measurement, byte[] fwid) {
        return create(uds, measurement, fwid, false, null);
    }

    /** The same derivation with the consistent root key pair (d, d*G), so that the chain verifies. */
    public static RiotIdentity createFixed(byte[] uds, byte[] measurement, byte[] fwid) {
        return create(uds, measurement, fwid, true, null);
    }

    /**
     * @param fixedRoot                whether to use the consistent root key pair
     * @param deviceCertAuthorityKeyId the 20-byte authority key identifier of the device certificate; the reference
     *                                 hashes an in-memory structure with pointers there, so it varies from run to run.
     *                                 Null: SHA-1 of the 65-byte root public key.
     */
    public static RiotIdentity create(byte[] uds, byte[] measurement, byte[] fwid, boolean fixedRoot, byte[] deviceCertAuthorityKeyId) {
        requireInput("uds", uds);
        requireInput("measurement", measurement);
        requireInput("fwid", fwid);
        byte[] rootPublic = fixedRoot ? P256.publicPoint(ROOT_PRIVATE) : ROOT_PUBLIC_AS_SHIPPED.clone();
        byte[] deviceAki = deviceCertAuthorityKeyId != null ? deviceCertAuthorityKeyId.clone() : sha1(rootPublic);
        if (deviceAki.length != 20) {
            throw new InvalidInputException("device certificate authority key id must be 20 bytes, got " + deviceAki.length);
        }

        byte[] cdi = cdi(uds, measurement);
        byte[] deviceSeed = sha256(cdi);
        byte[] aliasSeed = sha256(deviceSeed, fwid);
        HmacDrbg deviceDrbg = keyDrbg(deviceSeed, "Identity");
        EcKeyPair deviceId = drawKey(deviceDrbg);
        deviceDrbg.wipe();
        // the alias key's generator stays the global one: every signature below continues its stream
        HmacDrbg drbg = keyDrbg(aliasSeed, "Alias");
        EcKeyPair alias = drawKey(drbg);
        Arrays.fill(cdi, (byte) 0);
        Arrays.fill(deviceSeed, (byte) 0);
        Arrays.fill(aliasSeed, (byte) 0);

        byte[] deviceIdPublic = deviceId.publicPoint();
        byte[] aliasTbs = tbs(SERIAL_ALIAS, "riot-signer-core", ALIAS_COMMON_NAME, alias.publicPoint(),
                extension(OID_KEY_USAGE, false, KEY_CERT_SIGN_ONLY),
                extension(OID_EXT_KEY_USAGE, false, Der.sequence(Der.oid(OID_CLIENT_AUTH))),
                extension(OID_AUTHORITY_KEY_ID, false, misTaggedAuthorityKeyId(sha1(deviceIdPublic))),
                extension(OID_TCG_RIOT, false, Der.sequence(
                        Der.smallInteger(1),
                        P256.subjectPublicKeyInfo(deviceIdPublic),
                        Der.sequence(Der.oid(OID_SHA256), Der.octetString(fwid)))));
        byte[] aliasCert = signed(aliasTbs, deviceId.privateScalar(), drbg);

        byte[] rootTbs = tbs(SERIAL_ROOT, "riot-root", "riot-root", rootPublic,
                extension(OID_KEY_USAGE, false, KEY_CERT_SIGN_ONLY),
                extension(OID_BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.smallInteger(2))));
        byte[] rootCert = signed(rootTbs, ROOT_PRIVATE, drbg);

        byte[] deviceTbs = tbs(SERIAL_DEVICE, "riot-root", "riot-signer-core", deviceIdPublic,
                extension(OID_KEY_USAGE, false, KEY_CERT_SIGN_ONLY),
                extension(OID_BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.smallInteger(1))),
                extension(OID_AUTHORITY_KEY_ID, false, misTaggedAuthorityKeyId(deviceAki)));
        byte[] deviceCert = signed(deviceTbs, ROOT_PRIVATE, drbg);
        drbg.wipe();

        return new RiotIdentity(deviceId, alias, new EcKeyPair(ROOT_PRIVATE, rootPublic), aliasCert, deviceCert, rootCert);
    }

    /** CDI = DH(DH(UDS) || measurement) with DH the RIoT "DICE SHA-256". */
    static byte[] cdi(byte[] uds, byte[] measurement) {
        byte[] udsDigest = DiceSha256.digest(uds);
        byte[] input = Der.concat(udsDigest, measurement);
        byte[] cdi = DiceSha256.digest(input);
        Arrays.fill(udsDigest, (byte) 0);
        Arrays.fill(input, (byte) 0);
        return cdi;
    }

    /** The reference's srand seed for a key: the sum of the source bytes plus 31. */
    static int srandSeed(byte[] source) {
        int sum = 31;
        for (byte b : source) {
            sum += b & 0xff;
        }
        return sum;
    }

    /** 48 bytes, each the low byte of one rand() call: 32 of entropy, then 16 of nonce. */
    static byte[] randomBytes48(byte[] source) {
        GlibcRandom random = new GlibcRandom(srandSeed(source));
        byte[] out = new byte[48];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) random.next();
        }
        random.wipe();
        return out;
    }

    /** DeriveEccKey's generator: HMAC_DRBG-SHA256 instantiated with entropy || nonce || label. */
    static HmacDrbg keyDrbg(byte[] source, String label) {
        byte[] entropyAndNonce = randomBytes48(source);
        HmacDrbg drbg = new HmacDrbg(new SHA256Digest(), entropyAndNonce, label.getBytes(StandardCharsets.US_ASCII));
        Arrays.fill(entropyAndNonce, (byte) 0);
        return drbg;
    }

    /** d = first valid 32-byte output; the point multiplication then consumes one output (coordinate blinding). */
    private static EcKeyPair drawKey(HmacDrbg drbg) {
        BigInteger d = drawScalar(drbg);
        drbg.generate(32);
        return EcKeyPair.fromPrivateScalar(d);
    }

    private static BigInteger drawScalar(HmacDrbg drbg) {
        byte[] candidate = new byte[32];
        try {
            while (true) {
                drbg.generate(candidate);
                BigInteger value = new BigInteger(1, candidate);
                if (P256.isPrivateScalar(value)) {
                    return value;
                }
            }
        } finally {
            Arrays.fill(candidate, (byte) 0);
        }
    }

    /** ECDSA-SHA256 with k from the global generator; each signature consumes k, point blinding, scalar blinding. */
    private static byte[] signed(byte[] tbs, BigInteger d, HmacDrbg drbg) {
        byte[] hash = sha256(tbs);
        while (true) {
            BigInteger k = drawScalar(drbg);
            drbg.generate(32);
            drbg.generate(32);
            BigInteger[] rs = P256.signWithNonce(d, hash, k);
            if (rs != null) {
                return Der.sequence(tbs, P256.ECDSA_WITH_SHA256, Der.bitString(P256.signatureDer(rs[0], rs[1])));
            }
        }
    }

    /** CN, C=US, O=MSR_TEST, all UTF8String, as the reference writes names. */
    /** The reference's hand-built TBSCertificate: v3, ecdsa-with-SHA256, the fixed validity, CN/C/O names. */
    private static byte[] tbs(byte[] serial, String issuer, String subject, byte[] publicPoint, byte[]... extensions) {
        return Der.sequence(
                Der.explicit(0, Der.smallInteger(2)),
                Der.tlv(Der.INTEGER, serial),
                P256.ECDSA_WITH_SHA256,
                name(issuer),
                VALIDITY,
                name(subject),
                P256.subjectPublicKeyInfo(publicPoint),
                Der.explicit(3, Der.sequence(extensions)));
    }

    private static byte[] name(String commonName) {
        return Der.sequence(
                Der.set(Der.sequence(Der.oid(new byte[] {0x55, 0x04, 0x03}), Der.utf8(commonName))),
                Der.set(Der.sequence(Der.oid(new byte[] {0x55, 0x04, 0x06}), Der.utf8("US"))),
                Der.set(Der.sequence(Der.oid(new byte[] {0x55, 0x04, 0x0a}), Der.utf8("MSR_TEST"))));
    }

    private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** {@code 30 18 A0 16 04 14 <id>}: the keyIdentifier explicitly tagged (correct DER would be {@code 80 14}). */
    private static byte[] misTaggedAuthorityKeyId(byte[] keyId) {
        return Der.sequence(Der.explicit(0, Der.octetString(keyId)));
    }

    static byte[] sha256(byte[]... parts) {
        return P256.sha256(parts);
    }

    private static byte[] sha1(byte[] data) {
        SHA1Digest digest = new SHA1Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[20];
        digest.doFinal(out, 0);
        return out;
    }

    private static void requireInput(String name, byte[] value) {
        if (value == null || value.length != INPUT_SIZE) {
            throw new InvalidInputException("RIoT " + name + " must be " + INPUT_SIZE + " bytes, got "
                    + (value == null ? "none" : value.length));
        }
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }
}
