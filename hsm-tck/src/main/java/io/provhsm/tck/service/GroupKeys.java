package io.provhsm.tck.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Symmetric-key group enrollments: the device key is HMAC-SHA256(base64-decoded group key, registrationId). */
public final class GroupKeys {
    private GroupKeys() {
    }

    /** The device key for {@code registrationId}, raw bytes. */
    public static byte[] deviceKey(byte[] groupKey, String registrationId) {
        return SasTokens.hmacSha256(groupKey, registrationId.getBytes(StandardCharsets.UTF_8));
    }

    /** The device key as the service shows it (base64), from the group key as the service shows it. */
    public static String deviceKeyBase64(String groupKeyBase64, String registrationId) {
        byte[] groupKey = Base64.getDecoder().decode(groupKeyBase64);
        byte[] deviceKey = deviceKey(groupKey, registrationId);
        try {
            return Base64.getEncoder().encodeToString(deviceKey);
        } finally {
            Arrays.fill(groupKey, (byte) 0);
            Arrays.fill(deviceKey, (byte) 0);
        }
    }
}
