package io.provhsm.tck;

import io.provhsm.tck.service.SasVerifier;
import io.provhsm.dps.SasToken;
import io.provhsm.dps.HmacSha256;
import static io.provhsm.tck.RuleContext.require;
import static io.provhsm.tck.RuleContext.requireThrows;

import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.dps.SymmetricKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Rules for symmetric-key identities. The function and robustness rules install a kit identity with
 * {@code setKeyInfo} (a device key derived from a random group key, as the service derives it), because
 * only then does the kit know the key the service would hold.
 */
final class SymmetricKeyRules {
    static final Mechanism SYMMETRIC_KEY = Mechanism.SYMMETRIC_KEY;
    static final String KIT_REGISTRATION_ID = "provhsm-tck-device";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SymmetricKeyRules() {
    }

    static List<Rule> all() {
        return List.of(
                Rule.required(SYMMETRIC_KEY, Suite.CONTRACT, "registration-id", "the registration id follows the service's rules", SymmetricKeyRules::registrationId),
                Rule.required(SYMMETRIC_KEY, Suite.FUNCTION, "sas-token-verifies", "a SAS token signed by the device verifies with the group-derived key", SymmetricKeyRules::sasTokenVerifies).replacingIdentity(),
                Rule.required(SYMMETRIC_KEY, Suite.ROBUSTNESS, "malformed-key-info", "a malformed id or key is refused and changes nothing", SymmetricKeyRules::malformedKeyInfo).replacingIdentity(),
                Rule.required(SYMMETRIC_KEY, Suite.ROBUSTNESS, "use-after-close", "calls after close throw IllegalStateException; close is idempotent", SymmetricKeyRules::useAfterClose),
                Rule.required(SYMMETRIC_KEY, Suite.ROBUSTNESS, "concurrent-use", "8 threads at once sign correctly", SymmetricKeyRules::concurrentUse).replacingIdentity(),
                Rule.required(SYMMETRIC_KEY, Suite.ROBUSTNESS, "reopen-after-close", "a session opened after close works", SymmetricKeyRules::reopenAfterClose),
                Rule.required(SYMMETRIC_KEY, Suite.PERSISTENCE, "same-identity-after-reopen", "the same registration id and key after reopen", SymmetricKeyRules::sameIdentityAfterReopen));
    }

    /** Installs a kit identity derived from a fresh group key; returns the device key the service derives. */
    private static byte[] installKitIdentity(SymmetricKeyHsm hsm) {
        byte[] groupKey = new byte[64];
        RANDOM.nextBytes(groupKey);
        byte[] deviceKey = SymmetricKeys.deriveDeviceKey(groupKey, KIT_REGISTRATION_ID);
        char[] base64 = Base64.getEncoder().encodeToString(deviceKey).toCharArray();
        try {
            hsm.setKeyInfo(KIT_REGISTRATION_ID, base64);
        } finally {
            Arrays.fill(base64, '\0');
            Arrays.fill(groupKey, (byte) 0);
        }
        require(KIT_REGISTRATION_ID.equals(hsm.registrationId()), () -> "after setKeyInfo the registration id is '"
                + hsm.registrationId() + "', not '" + KIT_REGISTRATION_ID + "'");
        return deviceKey;
    }

    private static void registrationId(RuleContext context) {
        String id = context.openSymmetricKey().registrationId();
        require(RegistrationIds.isValid(id), () -> "registration id '" + id + "' breaks the service's rules (lowercase a-z, 0-9, "
                + "'-', '.', '_', ':', 1 to " + RegistrationIds.MAX_LENGTH + " characters)");
    }

    private static void sasTokenVerifies(RuleContext context) {
        SymmetricKeyHsm hsm = context.openSymmetricKey();
        byte[] deviceKey = installKitIdentity(hsm);
        String resource = "0ne00000000/registrations/" + KIT_REGISTRATION_ID;
        String token = SasToken.sign(resource, Instant.now().getEpochSecond() + 3600, "registration", SasToken.ResourceEncoding.AS_IS, hsm::sign).value();
        try {
            SasVerifier.verify(token, deviceKey, resource, Instant.now());
        } catch (AttestationException e) {
            throw new RuleViolation("the service refuses the device's SAS token: " + e.getMessage());
        } finally {
            Arrays.fill(deviceKey, (byte) 0);
        }
    }

    private static void malformedKeyInfo(RuleContext context) {
        SymmetricKeyHsm hsm = context.openSymmetricKey();
        installKitIdentity(hsm);
        byte[] data = "provhsm conformance".getBytes(StandardCharsets.UTF_8);
        byte[] before = hsm.sign(data);
        String validKey = Base64.getEncoder().encodeToString(new byte[32]);
        requireThrows(InvalidInputException.class, "setKeyInfo with registration id 'Not Valid!'",
                () -> hsm.setKeyInfo("Not Valid!", validKey.toCharArray()));
        requireThrows(InvalidInputException.class, "setKeyInfo with a key that is not base64",
                () -> hsm.setKeyInfo("provhsm-other", "not*base64*at*all".toCharArray()));
        requireThrows(InvalidInputException.class, "setKeyInfo with an empty key",
                () -> hsm.setKeyInfo("provhsm-other", new char[0]));
        require(KIT_REGISTRATION_ID.equals(hsm.registrationId()), () -> "a refused setKeyInfo changed the registration id to '"
                + hsm.registrationId() + "'");
        require(Arrays.equals(before, hsm.sign(data)), () -> "a refused setKeyInfo changed the device key");
    }

    private static void useAfterClose(RuleContext context) {
        SymmetricKeyHsm hsm = context.openSymmetricKey();
        hsm.close();
        requireThrows(IllegalStateException.class, "sign() after close", () -> hsm.sign(new byte[] {1}));
        requireThrows(IllegalStateException.class, "registrationId() after close", hsm::registrationId);
        if (context.identityReplacementAllowed()) {
            // a provider that wrongly accepts it would replace the identity
            requireThrows(IllegalStateException.class, "setKeyInfo() after close",
                    () -> hsm.setKeyInfo(KIT_REGISTRATION_ID, Base64.getEncoder().encodeToString(new byte[32]).toCharArray()));
        }
        try {
            hsm.close();
        } catch (RuntimeException e) {
            throw new RuleViolation("a second close() threw " + e + "; close must be idempotent", e);
        }
    }

    private static void concurrentUse(RuleContext context) throws Exception {
        SymmetricKeyHsm hsm = context.openSymmetricKey();
        byte[] deviceKey = installKitIdentity(hsm);
        try {
            Kit.concurrently(8, 40, (thread, iteration) -> {
                byte[] data = new byte[16 + iteration];
                RANDOM.nextBytes(data);
                byte[] expected = HmacSha256.compute(deviceKey, data);
                require(Arrays.equals(expected, hsm.sign(data)),
                        () -> "thread " + thread + " iteration " + iteration + ": sign() returned a wrong HMAC");
            });
        } finally {
            Arrays.fill(deviceKey, (byte) 0);
        }
    }

    private static void reopenAfterClose(RuleContext context) {
        SymmetricKeyHsm first = context.openSymmetricKey();
        String id = first.registrationId();
        first.close();
        SymmetricKeyHsm second = context.openSymmetricKey();
        require(id.equals(second.registrationId()), () -> "reopened session has registration id '" + second.registrationId()
                + "', the closed one had '" + id + "'");
        byte[] signature = second.sign(new byte[] {1, 2, 3});
        require(signature != null && signature.length == 32, () -> "sign() on the reopened session returned "
                + (signature == null ? "null" : signature.length + " bytes") + ", expected 32");
    }

    private static void sameIdentityAfterReopen(RuleContext context) {
        byte[] data = "provhsm persistence".getBytes(StandardCharsets.UTF_8);
        SymmetricKeyHsm first = context.openSymmetricKey();
        String id = first.registrationId();
        byte[] signature = first.sign(data);
        first.close();
        SymmetricKeyHsm second = context.openSymmetricKey();
        require(id.equals(second.registrationId()), () -> "identity lost on reopen: registration id '" + id + "' became '"
                + second.registrationId() + "'");
        require(Arrays.equals(signature, second.sign(data)), () -> "identity lost on reopen: the device key changed");
    }
}
