package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.provhsm.InvalidInputException;
import io.provhsm.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HmacSha256Test {

    @Test
    void rfc4231TestCase2() {
        byte[] mac = HmacSha256.compute("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"), mac);
    }

    @Test
    void theTpmIdentityKeysGiveTheHmacsTheTpmComputed() {
        for (String key : new String[] {"k1", "k2"}) {
            byte[] k = TestVectors.tpmHex(key + "_hex");
            for (String message : new String[] {"empty", "hello", "dps_sas_payload", "seq3000"}) {
                assertArrayEquals(TestVectors.tpmExpectedHmac(key, message), HmacSha256.compute(k, TestVectors.tpmMessage(message)),
                        key + " over " + message);
            }
        }
    }

    @Test
    void severalPartsAreMacedAsTheirConcatenation() {
        byte[] key = TestVectors.tpmHex("k1_hex");
        byte[] hello = TestVectors.tpmMessage("hello");
        assertArrayEquals(TestVectors.tpmExpectedHmac("k1", "hello"),
                HmacSha256.compute(key, java.util.Arrays.copyOf(hello, 2), java.util.Arrays.copyOfRange(hello, 2, 5), new byte[0]));
        assertArrayEquals(TestVectors.tpmExpectedHmac("k1", "empty"), HmacSha256.compute(key));
    }

    @Test
    void theCallersKeyIsLeftIntact() {
        byte[] key = {1, 2, 3, 4};
        HmacSha256.compute(key, new byte[10]);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, key);
    }

    @Test
    void anEmptyKeyIsRejected() {
        assertThrows(InvalidInputException.class, () -> HmacSha256.compute(new byte[0], new byte[1]));
    }
}
