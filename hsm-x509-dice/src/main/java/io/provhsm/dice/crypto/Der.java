package io.provhsm.dice.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Minimal DER writer: every certificate here is built by hand because byte-exact layouts are required
 * (known-answer vectors) and a general ASN.1 library costs more than the signatures on the hot path.
 */
public final class Der {
    public static final int BOOLEAN = 0x01;
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int OCTET_STRING = 0x04;
    public static final int OID = 0x06;
    public static final int ENUMERATED = 0x0a;
    public static final int UTF8_STRING = 0x0c;
    public static final int PRINTABLE_STRING = 0x13;
    public static final int UTC_TIME = 0x17;
    public static final int GENERALIZED_TIME = 0x18;
    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;

    private Der() {
    }

    /** Tag, definite length, content. */
    public static byte[] tlv(int tag, byte[] content) {
        int length = content.length;
        int lengthBytes = length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 4;
        byte[] out = new byte[1 + lengthBytes + length];
        out[0] = (byte) tag;
        if (lengthBytes == 1) {
            out[1] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | (lengthBytes - 1));
            for (int i = 0; i < lengthBytes - 1; i++) {
                out[1 + lengthBytes - 1 - i] = (byte) (length >>> (8 * i));
            }
        }
        System.arraycopy(content, 0, out, 1 + lengthBytes, length);
        return out;
    }

    public static byte[] tlv(int tag, byte[]... parts) {
        return tlv(tag, concat(parts));
    }

    public static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, concat(parts));
    }

    public static byte[] set(byte[]... parts) {
        return tlv(SET, concat(parts));
    }

    /** Context-specific constructed tag {@code [n]} (explicit tagging). */
    public static byte[] explicit(int n, byte[]... parts) {
        return tlv(0xa0 | n, concat(parts));
    }

    public static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    /** BIT STRING with no unused bits. */
    public static byte[] bitString(byte[] content) {
        byte[] body = new byte[content.length + 1];
        System.arraycopy(content, 0, body, 1, content.length);
        return tlv(BIT_STRING, body);
    }

    public static byte[] utf8(String text) {
        return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] printable(String text) {
        return tlv(PRINTABLE_STRING, text.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] ascii(int tag, String text) {
        return tlv(tag, text.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] bool(boolean value) {
        return new byte[] {BOOLEAN, 1, (byte) (value ? 0xff : 0)};
    }

    public static byte[] smallInteger(int value) {
        return integer(BigInteger.valueOf(value));
    }

    /** Minimal two's-complement INTEGER. */
    public static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    /** A non-negative INTEGER from big-endian magnitude bytes: leading zeros stripped, 0x00 added when the top bit is set. */
    public static byte[] unsignedInteger(byte[] magnitude) {
        int start = 0;
        while (start < magnitude.length - 1 && magnitude[start] == 0) {
            start++;
        }
        boolean pad = (magnitude[start] & 0x80) != 0;
        byte[] body = new byte[magnitude.length - start + (pad ? 1 : 0)];
        System.arraycopy(magnitude, start, body, pad ? 1 : 0, magnitude.length - start);
        return tlv(INTEGER, body);
    }

    /** An OBJECT IDENTIFIER already in its content encoding. */
    public static byte[] oid(byte[] content) {
        return tlv(OID, content);
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
