package io.provhsm.tck;

import io.provhsm.TpmHsm;
import java.util.List;

/**
 * TPM rules that need the service side's activation-blob builder (activation round trip, SAS with the
 * activated identity, a blob sealed to another TPM).
 */
final class TpmActivationRules {
    private TpmActivationRules() {
    }

    static List<Rule> all() {
        return List.of();
    }

    /** A well-formed blob for this TPM, to derive malformed ones from; null while no builder is available. */
    static byte[] sampleBlob(TpmHsm hsm) {
        return null;
    }

    /** The identity key's HMAC over {@code data}, or null when no identity key is activated yet. */
    static byte[] identitySignatureOrNull(TpmHsm hsm, byte[] data) {
        try {
            return hsm.signWithIdentity(data);
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
