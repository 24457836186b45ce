package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.testing.TestVectors;
import java.nio.charset.StandardCharsets;
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
}
