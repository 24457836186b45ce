package io.provhsm.tck;

import static io.provhsm.tck.RuleContext.require;
import static io.provhsm.tck.RuleContext.requireThrows;

import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.RegistrationIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Rules for TPM identities (the C SDK's HSM_CLIENT_TPM_INTERFACE). */
final class TpmRules {
    static final Mechanism TPM = Mechanism.TPM;

    private TpmRules() {
    }

    static List<Rule> all() {
        List<Rule> rules = new ArrayList<>();
        rules.add(Rule.required(TPM, Suite.CONTRACT, "endorsement-key-template", "the EK is a TPM2B_PUBLIC made with the EK template", TpmRules::endorsementKey));
        rules.add(Rule.required(TPM, Suite.CONTRACT, "storage-root-key-template", "the SRK is a TPM2B_PUBLIC made with the SRK template", TpmRules::storageRootKey));
        rules.add(Rule.required(TPM, Suite.CONTRACT, "registration-id", "the registration id is base32(SHA-256(EK)) and follows the service's rules", TpmRules::registrationId));
        rules.addAll(TpmActivationRules.all());
        rules.add(Rule.required(TPM, Suite.ROBUSTNESS, "malformed-blob", "malformed activation blobs are refused with InvalidInputException and change nothing", TpmRules::malformedBlob).replacingIdentity());
        rules.add(Rule.required(TPM, Suite.ROBUSTNESS, "use-after-close", "calls after close throw IllegalStateException; close is idempotent", TpmRules::useAfterClose));
        rules.add(Rule.required(TPM, Suite.ROBUSTNESS, "concurrent-use", "8 threads at once read the keys and sign consistently", TpmRules::concurrentUse).replacingIdentity());
        rules.add(Rule.required(TPM, Suite.ROBUSTNESS, "reopen-after-close", "a session opened after close works", TpmRules::reopenAfterClose));
        rules.add(Rule.required(TPM, Suite.PERSISTENCE, "same-identity-after-reopen", "the same EK, SRK and identity key after reopen", TpmRules::sameIdentityAfterReopen).replacingIdentity());
        return rules;
    }

    private static void endorsementKey(RuleContext context) {
        TpmPublicArea ek = TpmPublicArea.parse(context.openTpm().endorsementKey(), "endorsement key");
        TpmPublicArea.check(ek.attributes() == TpmPublicArea.EK_ATTRIBUTES, "endorsement key attributes are 0x"
                + String.format("%08x", ek.attributes()) + ", expected 0x000300b2 (EK template)");
        TpmPublicArea.check(Arrays.equals(ek.authPolicy(), TpmPublicArea.EK_POLICY), "endorsement key authPolicy is "
                + HexFormat.of().formatHex(ek.authPolicy()) + ", expected PolicySecret(ENDORSEMENT) 837197...69aa");
        ek.requireStorageKeyParameters("endorsement key");
    }

    private static void storageRootKey(RuleContext context) {
        TpmPublicArea srk = TpmPublicArea.parse(context.openTpm().storageRootKey(), "storage root key");
        TpmPublicArea.check(srk.attributes() == TpmPublicArea.SRK_ATTRIBUTES, "storage root key attributes are 0x"
                + String.format("%08x", srk.attributes()) + ", expected 0x00030472 (SRK template)");
        TpmPublicArea.check(srk.authPolicy().length == 0, "storage root key has an authPolicy of " + srk.authPolicy().length
                + " bytes, expected none");
        srk.requireStorageKeyParameters("storage root key");
    }

    private static void registrationId(RuleContext context) {
        TpmHsm hsm = context.openTpm();
        String id = hsm.registrationId();
        String expected = RegistrationIds.fromEndorsementKey(hsm.endorsementKey());
        require(id.equals(expected), () -> "registration id '" + id + "' is not base32(SHA-256(EK)) '" + expected + "'");
        require(RegistrationIds.isValid(id), () -> "registration id '" + id + "' breaks the service's rules");
    }

    /** Blobs that break the format in one way each; none may reach the TPM. */
    static List<byte[]> malformedBlobs(byte[] wellFormed) {
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(new byte[0]);
        blobs.add(new byte[] {0x00});
        blobs.add(new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x01});
        blobs.add(new byte[] {0x00, 0x22, 0x00, 0x20});
        if (wellFormed != null) {
            blobs.add(Arrays.copyOf(wellFormed, wellFormed.length - 1));
            blobs.add(Arrays.copyOf(wellFormed, wellFormed.length + 3));
            byte[] wrongSize = wellFormed.clone();
            wrongSize[0] = (byte) 0x7f;
            blobs.add(wrongSize);
        }
        return blobs;
    }

    private static void malformedBlob(RuleContext context) {
        TpmHsm hsm = context.openTpm();
        byte[] key = TpmActivationRules.activateKitKey(hsm);
        byte[] data = {1, 2, 3, 4};
        List<byte[]> blobs = malformedBlobs(TpmActivationRules.sampleBlob(hsm));
        for (int i = 0; i < blobs.size(); i++) {
            byte[] blob = blobs.get(i);
            requireThrows(InvalidInputException.class, "activateIdentityKey(malformed blob #" + i + ", " + blob.length + " bytes)",
                    () -> hsm.activateIdentityKey(blob));
        }
        byte[] expected = HmacSha256.compute(key, data);
        HmacSha256.wipe(key);
        require(Arrays.equals(expected, hsm.signWithIdentity(data)),
                () -> "after refused blobs the identity key no longer signs as the activated key");
    }

    private static void useAfterClose(RuleContext context) {
        TpmHsm hsm = context.openTpm();
        // a well-formed blob, so that being closed is the only thing wrong with the call
        byte[] blob = TpmActivationRules.sampleBlob(hsm);
        hsm.close();
        requireThrows(IllegalStateException.class, "endorsementKey() after close", hsm::endorsementKey);
        requireThrows(IllegalStateException.class, "storageRootKey() after close", hsm::storageRootKey);
        requireThrows(IllegalStateException.class, "signWithIdentity() after close", () -> hsm.signWithIdentity(new byte[] {1}));
        if (context.identityReplacementAllowed()) {
            // a provider that wrongly accepts it would replace the identity
            requireThrows(IllegalStateException.class, "activateIdentityKey() after close", () -> hsm.activateIdentityKey(blob));
        }
        try {
            hsm.close();
        } catch (RuntimeException e) {
            throw new RuleViolation("a second close() threw " + e + "; close must be idempotent", e);
        }
    }

    private static void concurrentUse(RuleContext context) throws Exception {
        TpmHsm hsm = context.openTpm();
        byte[] key = TpmActivationRules.activateKitKey(hsm);
        byte[] ek = hsm.endorsementKey();
        try {
            Kit.concurrently(8, 6, (thread, iteration) -> {
                require(Arrays.equals(ek, hsm.endorsementKey()), () -> "thread " + thread + " iteration " + iteration + ": endorsementKey() changed");
                byte[] data = ("thread " + thread + " iteration " + iteration).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                require(Arrays.equals(HmacSha256.compute(key, data), hsm.signWithIdentity(data)),
                        () -> "thread " + thread + " iteration " + iteration + ": signWithIdentity() returned a wrong HMAC");
            });
        } finally {
            HmacSha256.wipe(key);
        }
    }

    private static void reopenAfterClose(RuleContext context) {
        TpmHsm first = context.openTpm();
        byte[] ek = first.endorsementKey();
        first.close();
        TpmHsm second = context.openTpm();
        require(Arrays.equals(ek, second.endorsementKey()), () -> "reopened session reads another endorsement key");
    }

    private static void sameIdentityAfterReopen(RuleContext context) {
        byte[] data = "provhsm persistence".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        TpmHsm first = context.openTpm();
        byte[] key = TpmActivationRules.activateKitKey(first);
        byte[] expected = HmacSha256.compute(key, data);
        HmacSha256.wipe(key);
        byte[] ek = first.endorsementKey();
        byte[] srk = first.storageRootKey();
        first.close();
        TpmHsm second = context.openTpm();
        require(Arrays.equals(ek, second.endorsementKey()), () -> "identity lost on reopen: the endorsement key changed");
        require(Arrays.equals(srk, second.storageRootKey()), () -> "identity lost on reopen: the storage root key changed");
        byte[] again = TpmActivationRules.identitySignatureOrNull(second, data);
        require(again != null, () -> "identity lost on reopen: no identity key after reopen");
        require(Arrays.equals(expected, again), () -> "identity lost on reopen: the identity key signs differently");
    }
}
