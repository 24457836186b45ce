package io.provhsm.tck.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.SasToken;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SasVerifierTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final String RESOURCE = "0ne00000001/registrations/device-1";
    private static final long EXPIRY = 2_000_000_000L;
    private static final Instant NOW = Instant.ofEpochSecond(1_900_000_000L);

    @Test
    void tokensOfTheJavaClientWithAnEmptyKeyNameAndOfTheCClientVerify() throws Exception {
        String java = SasToken.sign(RESOURCE, EXPIRY, null, SasToken.ResourceEncoding.AS_IS, d -> HmacSha256.compute(KEY, d)).value() + "&skn=";
        assertEquals(EXPIRY, SasVerifier.verify(java, KEY, RESOURCE, NOW).expiry());
        String c = SasToken.sign(RESOURCE, EXPIRY, "registration", SasToken.ResourceEncoding.URL_ENCODED, d -> HmacSha256.compute(KEY, d)).value();
        assertTrue(c.contains("sr=0ne00000001%2fregistrations%2fdevice-1"), c);
        assertEquals(RESOURCE, SasVerifier.verify(c, KEY, RESOURCE, NOW).resource());
    }

    @Test
    void eachFailedCheckIsNamed() {
        String token = SasToken.sign(RESOURCE, EXPIRY, "registration", SasToken.ResourceEncoding.AS_IS, d -> HmacSha256.compute(KEY, d)).value();
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertTrue(assertThrows(AttestationException.class, () -> SasVerifier.verify(token, other, RESOURCE, NOW))
                .getMessage().contains("signature does not verify"));
        assertTrue(assertThrows(AttestationException.class, () -> SasVerifier.verify(token, KEY, RESOURCE + "x", NOW))
                .getMessage().contains("expected '" + RESOURCE + "x'"));
        assertTrue(assertThrows(AttestationException.class, () -> SasVerifier.verify(token, KEY, RESOURCE, Instant.ofEpochSecond(EXPIRY)))
                .getMessage().contains("expired"));
        assertTrue(assertThrows(AttestationException.class, () -> SasVerifier.verify("Bearer xyz", KEY, RESOURCE, NOW))
                .getMessage().startsWith("malformed SAS token"));
        assertTrue(assertThrows(AttestationException.class, () -> SasVerifier.verify(null, KEY, RESOURCE, NOW))
                .getMessage().contains("no SAS token"));
    }
}
