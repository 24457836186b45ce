package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SymmetricKeysTest {
    /** 47 bytes, "ABC...hijk"; the expected device keys were computed with Python's hmac module. */
    private static final String GROUP_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVmZ2hpams=";

    @Test
    void groupKeyDerivationMatchesKnownAnswers() {
        assertEquals("Qsrf4Z8xC9Y6rbNDRXrMvcr5x3WtJzTOyecslPQoQ34=", SymmetricKeys.deriveDeviceKeyBase64(GROUP_KEY, "device-001"));
        assertEquals("TOJcTBVovLTp6uZPG2o6eBHG1O5WdSaA4isO6KaUVcU=",
                SymmetricKeys.deriveDeviceKeyBase64(GROUP_KEY, "p7hdpskqhxxvdtyowv2sksrq6ebtvvv26gsfdd24rvuz4cwa2yda"));
    }

    @Test
    void groupKeyDerivationIsHmacSha256OfTheRegistrationIdUnderTheDecodedGroupKey() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(GROUP_KEY), "HmacSHA256"));
        byte[] expected = mac.doFinal("sensor-42".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, SymmetricKeys.deriveDeviceKey(Base64.getDecoder().decode(GROUP_KEY), "sensor-42"));
    }

    @Test
    void derivationRejectsAnInvalidRegistrationId() {
        assertThrows(InvalidInputException.class, () -> SymmetricKeys.deriveDeviceKeyBase64(GROUP_KEY, "Sensor 42"));
    }

    @Test
    void decodeAcceptsSurroundingWhitespace() {
        assertArrayEquals(Base64.getDecoder().decode(GROUP_KEY), SymmetricKeys.decode(" " + GROUP_KEY + "\n", "k"));
    }

    @Test
    void malformedKeysAreNamedButNeverEchoed() {
        String notBase64 = "QUJDREVGR0hJSktMTU5PUFFS*1RVVldYWVow";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SymmetricKeys.decode(notBase64, "the device key"));
        assertEquals("the device key is not base64 (" + notBase64.length() + " characters)", e.getMessage());
        assertFalse(e.getMessage().contains("QUJD"));

        String tooShort = Base64.getEncoder().encodeToString(new byte[15]);
        assertEquals("k is 15 bytes; a key must be 16 to 64 bytes",
                assertThrows(InvalidInputException.class, () -> SymmetricKeys.decode(tooShort, "k")).getMessage());
        String tooLong = Base64.getEncoder().encodeToString(new byte[65]);
        assertEquals("k is 65 bytes; a key must be 16 to 64 bytes",
                assertThrows(InvalidInputException.class, () -> SymmetricKeys.decode(tooLong, "k")).getMessage());
        assertEquals("k is empty", assertThrows(InvalidInputException.class, () -> SymmetricKeys.decode(" \n", "k")).getMessage());
        assertEquals("k is not base64: non-ASCII character at position 2",
                assertThrows(InvalidInputException.class, () -> SymmetricKeys.decode("QUé=", "k")).getMessage());
    }

    @Property(tries = 300)
    void decodeOfBase64IsTheKey(@ForAll @Size(min = 16, max = 64) byte[] key) {
        assertArrayEquals(key, SymmetricKeys.decode(Base64.getEncoder().encodeToString(key), "k"));
    }

    @Property(tries = 500)
    void randomTextDecodesOrIsRejectedAsInvalidInput(@ForAll @StringLength(max = 120) String text) {
        byte[] key;
        try {
            key = SymmetricKeys.decode(text, "k");
        } catch (InvalidInputException expected) {
            return;
        }
        assertTrue(key.length >= SymmetricKeys.MIN_LENGTH && key.length <= SymmetricKeys.MAX_LENGTH);
    }
}
