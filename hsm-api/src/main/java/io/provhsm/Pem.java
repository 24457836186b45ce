package io.provhsm;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM (RFC 7468) text for certificates and keys: 64-column base64 between BEGIN/END lines. */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private Pem() {
    }

    /** One PEM block with the given label, ending in a newline. */
    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new HsmException("certificate cannot be encoded: " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The DER contents of every block with the given label, in order. */
    public static List<byte[]> decode(String label, String text) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("PEM block " + label + " #" + (blocks.size() + 1) + " is not valid base64", e);
                }
            }
        }
        return blocks;
    }

    /**
     * {@link #decode(String, String)} of PEM held in bytes (a private key's), read in place: no String of the text
     * or of a block's base64 is made. The caller wipes {@code pem} and the blocks.
     */
    public static List<byte[]> decode(String label, byte[] pem) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(new Latin1View(pem, 0, pem.length));
        while (m.find()) {
            if (m.group(1).equals(label)) {
                byte[] base64 = Arrays.copyOfRange(pem, m.start(2), m.end(2));
                try {
                    blocks.add(Base64.getMimeDecoder().decode(base64));
                } catch (IllegalArgumentException e) {
                    // no cause: the JDK's message quotes a character of what may be a secret
                    blocks.forEach(block -> Arrays.fill(block, (byte) 0));
                    throw new InvalidInputException("PEM block " + label + " #" + (blocks.size() + 1) + " is not valid base64");
                } finally {
                    Arrays.fill(base64, (byte) 0);
                }
            }
        }
        return blocks;
    }

    /** Bytes seen as ISO-8859-1 characters without copying; only the labels the matcher reads become Strings. */
    private record Latin1View(byte[] bytes, int from, int to) implements CharSequence {
        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[from + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1View(bytes, from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    /** Every CERTIFICATE block of the text, in order. */
    public static List<X509Certificate> certificates(String text) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : decode("CERTIFICATE", text)) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new InvalidInputException("PEM certificate #" + (certificates.size() + 1) + " does not parse: " + e.getMessage(), e);
        }
        return certificates;
    }
}
