package io.provhsm.custom;

import io.provhsm.InvalidInputException;
import io.provhsm.Pem;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * Private keys as C libraries hand them out: PEM {@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY}
 * (SEC1, RFC 5915) or {@code RSA PRIVATE KEY} (PKCS#1). The last two are wrapped into PKCS#8 (a few bytes of
 * DER) so the JDK's KeyFactory reads them; no third-party parser needed. Intermediate copies are wiped.
 */
final class PemPrivateKeys {
    private static final byte[] OID_EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemPrivateKeys() {
    }

    /** The first key block of {@code pem} (ASCII, read in place; the caller wipes it). */
    static PrivateKey parse(byte[] pem) {
        for (String label : List.of("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY")) {
            List<byte[]> blocks = Pem.decode(label, pem);
            if (blocks.isEmpty()) {
                continue;
            }
            byte[] der = blocks.get(0);
            byte[] pkcs8 = null;
            try {
                switch (label) {
                    case "PRIVATE KEY":
                        return generate(der, algorithmOf(der));
                    case "EC PRIVATE KEY":
                        pkcs8 = sequence(VERSION_0, sequence(OID_EC_PUBLIC_KEY, sec1Curve(der)), tlv(0x04, der));
                        return generate(pkcs8, "EC");
                    default:
                        pkcs8 = sequence(VERSION_0, RSA_ALGORITHM, tlv(0x04, der));
                        return generate(pkcs8, "RSA");
                }
            } finally {
                blocks.forEach(b -> Arrays.fill(b, (byte) 0));
                if (pkcs8 != null) {
                    Arrays.fill(pkcs8, (byte) 0);
                }
            }
        }
        throw new InvalidInputException("no PEM PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block (" + pem.length + " characters)");
    }

    private static PrivateKey generate(byte[] pkcs8, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException(algorithm + " private key does not parse: " + e.getMessage());
        }
    }

    /** "EC" or "RSA" from a PKCS#8 PrivateKeyInfo's algorithm identifier. */
    private static String algorithmOf(byte[] pkcs8) {
        Der info = new Der(pkcs8, "PrivateKeyInfo").enter(0x30);
        info.skip(0x02); // version
        byte[] oid = info.enter(0x30).next(0x06);
        if (Arrays.equals(oid, Arrays.copyOfRange(OID_EC_PUBLIC_KEY, 2, OID_EC_PUBLIC_KEY.length))) {
            return "EC";
        }
        if (Arrays.equals(oid, Arrays.copyOfRange(RSA_ALGORITHM, 4, 13))) {
            return "RSA";
        }
        throw new InvalidInputException("PKCS#8 key algorithm is neither EC nor RSA");
    }

    /** The named-curve OID (as a whole TLV) from an ECPrivateKey's [0] parameters. */
    private static byte[] sec1Curve(byte[] sec1) {
        Der key = new Der(sec1, "ECPrivateKey").enter(0x30);
        key.skip(0x02); // version 1
        key.skip(0x04); // private key
        if (!key.hasNext() || key.peekTag() != 0xa0) {
            throw new InvalidInputException("EC PRIVATE KEY has no [0] curve parameters");
        }
        byte[] oid = new Der(key.next(0xa0), "ECPrivateKey parameters").next(0x06);
        return tlv(0x06, oid);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.writeBytes(part);
        }
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** A forward-only DER reader over definite-length TLVs; errors name the structure. */
    private static final class Der {
        private final byte[] data;
        private final String what;
        private int position;

        Der(byte[] data, String what) {
            this.data = data;
            this.what = what;
        }

        boolean hasNext() {
            return position < data.length;
        }

        int peekTag() {
            return data[position] & 0xff;
        }

        Der enter(int tag) {
            return new Der(next(tag), what);
        }

        void skip(int tag) {
            next(tag);
        }

        byte[] next(int tag) {
            if (position + 2 > data.length || (data[position] & 0xff) != tag) {
                throw new InvalidInputException(what + " is not valid DER (expected tag 0x" + Integer.toHexString(tag)
                        + " at offset " + position + ")");
            }
            int length = data[position + 1] & 0xff;
            int header = 2;
            if (length >= 0x80) {
                int count = length & 0x7f;
                if (count == 0 || count > 3 || position + 2 + count > data.length) {
                    throw new InvalidInputException(what + " has a bad DER length at offset " + position);
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (data[position + 2 + i] & 0xff);
                }
                header += count;
            }
            if (length > data.length - position - header) {
                throw new InvalidInputException(what + " DER length " + length + " runs past the end at offset " + position);
            }
            byte[] value = Arrays.copyOfRange(data, position + header, position + header + length);
            position += header + length;
            return value;
        }
    }
}
