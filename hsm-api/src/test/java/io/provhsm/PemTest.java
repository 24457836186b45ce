package io.provhsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PemTest {

    /** Two self-signed P-256 certificates written by openssl req -x509 (leaf CN pem-test-device, then pem-test-root). */
    private static String opensslChain() throws IOException {
        try (InputStream in = PemTest.class.getResourceAsStream("/pem/chain.pem")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void certificatesWrittenByOpensslParseAndReEncodeIdentically() throws IOException {
        String text = opensslChain();
        List<X509Certificate> chain = Pem.certificates(text);
        assertEquals(2, chain.size());
        assertEquals("CN=pem-test-device", chain.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=pem-test-root", chain.get(1).getSubjectX500Principal().getName());
        assertEquals(text, Pem.certificate(chain.get(0)) + Pem.certificate(chain.get(1)));
    }

    @Test
    void decodeKeepsOnlyBlocksWithTheLabel() throws IOException {
        String text = "junk\n" + Pem.encode("PRIVATE KEY", new byte[] {1, 2, 3}) + opensslChain();
        assertEquals(2, Pem.decode("CERTIFICATE", text).size());
        assertArrayEquals(new byte[] {1, 2, 3}, Pem.decode("PRIVATE KEY", text).get(0));
        assertEquals(List.of(), Pem.decode("PUBLIC KEY", text));
    }

    @Test
    void decodeOfBytesFindsWhatDecodeOfTextFinds() throws IOException {
        String text = "junk\n" + Pem.encode("PRIVATE KEY", new byte[] {1, 2, 3}) + opensslChain();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        List<byte[]> fromText = Pem.decode("CERTIFICATE", text);
        List<byte[]> fromBytes = Pem.decode("CERTIFICATE", bytes);
        assertEquals(2, fromBytes.size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(fromText.get(i), fromBytes.get(i));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Pem.decode("PRIVATE KEY", bytes).get(0));
        assertEquals(List.of(), Pem.decode("PUBLIC KEY", bytes));
        assertEquals(text, new String(bytes, StandardCharsets.US_ASCII), "the input is left as it was");

        byte[] bad = "-----BEGIN PRIVATE KEY-----\nAAA=AAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Pem.decode("PRIVATE KEY", bad));
        assertEquals("PEM block PRIVATE KEY #1 is not valid base64", e.getMessage());
    }

    @Test
    void aBlockThatIsNotACertificateIsNamedByPosition() throws IOException {
        String text = opensslChain() + Pem.encode("CERTIFICATE", new byte[] {0x30, 0x03, 1, 2, 3});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Pem.certificates(text));
        assertTrue(e.getMessage().startsWith("PEM certificate #3 does not parse"), e.getMessage());
    }

    @Property(tries = 200)
    void decodeOfEncodeIsIdentity(@ForAll @Size(max = 300) byte[] der) {
        List<byte[]> blocks = Pem.decode("CERTIFICATE", Pem.encode("CERTIFICATE", der));
        assertEquals(1, blocks.size());
        assertArrayEquals(der, blocks.get(0));
    }
}
