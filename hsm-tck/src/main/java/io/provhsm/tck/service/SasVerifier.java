package io.provhsm.tck.service;

import io.provhsm.InvalidInputException;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.SasToken;
import java.time.Instant;

/**
 * How the service checks a SAS token ({@link SasToken}) against the key it holds for a device: the
 * resource, the expiry, then the HMAC over {@code sr + "\n" + se} as received (so tokens of the C client,
 * which URL-encodes the resource, and of the Java client, which does not, both verify).
 */
public final class SasVerifier {
    private SasVerifier() {
    }

    /**
     * @param expectedResource the resource the token must be for, compared percent-decoded and case-insensitively
     * @return the parsed token
     * @throws AttestationException naming the failed check: format, resource, expiry or signature
     */
    public static SasToken verify(String authorization, byte[] key, String expectedResource, Instant now) throws AttestationException {
        if (authorization == null || authorization.isBlank()) {
            throw new AttestationException("no SAS token (authorization header missing or empty)");
        }
        SasToken token;
        String resource;
        try {
            token = SasToken.parse(authorization.strip());
            resource = token.resource();
        } catch (InvalidInputException e) {
            throw new AttestationException("malformed SAS token: " + e.getMessage());
        }
        if (!resource.equalsIgnoreCase(expectedResource)) {
            throw new AttestationException("SAS token is for resource '" + resource + "', expected '" + expectedResource + "'");
        }
        if (token.expiredAt(now.getEpochSecond())) {
            throw new AttestationException("SAS token expired at " + Instant.ofEpochSecond(token.expiry()) + " (now " + now + ")");
        }
        if (!token.signatureMatches(data -> HmacSha256.compute(key, data))) {
            throw new AttestationException("SAS token signature does not verify with the enrolled key");
        }
        return token;
    }

}
