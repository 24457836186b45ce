package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RegistrationIdsTest {

    @Test
    void theSharedEndorsementKeyGivesTheRegistrationIdTheCSdkComputed() {
        byte[] ek = TestVectors.tpmBase64("ek_b64");
        assertEquals(316, ek.length);
        String expected = TestVectors.tpm().get("registration_id").getAsString();
        assertEquals(expected, RegistrationIds.fromEndorsementKey(ek));
        assertEquals(52, expected.length());
        assertTrue(RegistrationIds.isValid(expected));
    }

    @Test
    void base32MatchesRfc4648LowercaseWithoutPadding() {
        String[][] vectors = {{"", ""}, {"f", "my"}, {"fo", "mzxq"}, {"foo", "mzxw6"}, {"foob", "mzxw6yq"},
            {"fooba", "mzxw6ytb"}, {"foobar", "mzxw6ytboi"}};
        for (String[] v : vectors) {
            assertEquals(v[1], RegistrationIds.base32(v[0].getBytes(StandardCharsets.US_ASCII)), v[0]);
        }
    }

    @Test
    void anEmptyEndorsementKeyIsRejected() {
        assertEquals("endorsement key is empty",
                assertThrows(InvalidInputException.class, () -> RegistrationIds.fromEndorsementKey(new byte[0])).getMessage());
    }

    @Test
    void invalidIdsAreRejectedNamingTheRule() {
        assertEquals("registration id is empty", assertThrows(InvalidInputException.class, () -> RegistrationIds.requireValid("")).getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> RegistrationIds.requireValid("Device-1")).getMessage()
                .contains("outside lowercase a-z"));
        assertEquals("registration id is 129 characters; at most 128",
                assertThrows(InvalidInputException.class, () -> RegistrationIds.requireValid("a".repeat(129))).getMessage());
        assertEquals("a".repeat(128), RegistrationIds.requireValid("a".repeat(128)));
        assertEquals("dev-1.a_b:c", RegistrationIds.requireValid("dev-1.a_b:c"));
        assertFalse(RegistrationIds.isValid("dev 1"));
        assertFalse(RegistrationIds.isValid(null));
    }

    @Property(tries = 300)
    void anyNonEmptyEndorsementKeyGivesAValid52CharacterId(@ForAll @Size(min = 1, max = 600) byte[] ek) {
        String id = RegistrationIds.fromEndorsementKey(ek);
        assertEquals(52, id.length(), id);
        assertTrue(RegistrationIds.isValid(id), id);
        assertEquals(id, RegistrationIds.requireValid(id));
    }

    @Property(tries = 500)
    void base32MatchesABitByBitReference(@ForAll @Size(max = 100) byte[] data) {
        String encoded = RegistrationIds.base32(data);
        assertEquals(bitByBitBase32(data), encoded);
        assertEquals((data.length * 8 + 4) / 5, encoded.length());
    }

    /** RFC 4648 base32, lowercase, unpadded, one bit at a time: an independent check of the shift-buffer encoder. */
    private static String bitByBitBase32(byte[] data) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        int totalBits = data.length * 8;
        StringBuilder out = new StringBuilder();
        for (int start = 0; start < totalBits; start += 5) {
            int value = 0;
            for (int bit = start; bit < start + 5; bit++) {
                int b = bit < totalBits ? (data[bit / 8] >> (7 - bit % 8)) & 1 : 0; // the last group is zero-padded
                value = value * 2 + b;
            }
            out.append(alphabet.charAt(value));
        }
        return out.toString();
    }

    /** Arbitrary strings, weighted towards the id alphabet and lengths around the 128-character limit. */
    @Provide
    Arbitrary<String> candidateIds() {
        Arbitrary<String> nearAlphabet = Arbitraries.strings().withChars("abcxyz0189-._:").withChars("A Z/é\u0000\n")
                .ofMaxLength(140);
        Arbitrary<String> idAlphabetOnly = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-._:")
                .ofMinLength(120).ofMaxLength(135);
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(140), nearAlphabet, idAlphabetOnly);
    }

    @Property(tries = 500)
    void isValidAndRequireValidAgreeAndOnlyRejectWithInvalidInput(@ForAll("candidateIds") String candidate) {
        boolean valid = RegistrationIds.isValid(candidate);
        try {
            assertEquals(candidate, RegistrationIds.requireValid(candidate));
            assertTrue(valid, () -> "requireValid accepted what isValid rejects: '" + candidate + "'");
        } catch (InvalidInputException e) {
            assertFalse(valid, () -> "requireValid rejected what isValid accepts: '" + candidate + "': " + e.getMessage());
            assertTrue(e.getMessage().startsWith("registration id "), e.getMessage());
        }
        boolean expected = !candidate.isEmpty() && candidate.length() <= RegistrationIds.MAX_LENGTH
                && candidate.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._:".indexOf(c) >= 0);
        assertEquals(expected, valid, candidate);
    }
}
