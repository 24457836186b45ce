package io.provhsm.tck;

import static io.provhsm.tck.RuleContext.require;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.SasToken;
import io.provhsm.tck.service.ActivationBlobBuilder;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.tck.service.SasVerifier;
import java.nio.ByteBuffer;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * TPM rules that use the service side's {@link ActivationBlobBuilder}: the activation round trip, SAS with the
 * activated identity, and a blob sealed to another TPM. These rules install kit identity keys on the device
 * (what a registration does too): the identity key at the end of the run is one the kit chose.
 */
final class TpmActivationRules {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TpmActivationRules() {
    }

    static List<Rule> all() {
        return List.of(
                Rule.required(Mechanism.TPM, Suite.FUNCTION, "activation-round-trip",
                        "a blob built by the service activates, and the TPM's HMACs equal the service's", TpmActivationRules::roundTrip).replacingIdentity(),
                Rule.required(Mechanism.TPM, Suite.FUNCTION, "sas-token-verifies",
                        "a SAS token signed with the activated identity verifies at the service", TpmActivationRules::sasToken).replacingIdentity(),
                Rule.required(Mechanism.TPM, Suite.ROBUSTNESS, "blob-for-another-tpm",
                        "a blob sealed to another TPM's EK is refused and the identity key stays usable", TpmActivationRules::foreignBlob).replacingIdentity());
    }

    /** Activates a fresh random key and returns it (the service's copy). */
    static byte[] activateKitKey(TpmHsm hsm) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        byte[] blob = ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key);
        try {
            hsm.activateIdentityKey(blob);
        } catch (HsmException e) {
            throw new RuleViolation("activateIdentityKey refused a blob the service built for this EK and SRK: " + e.getMessage(), e);
        }
        return key;
    }

    private static void roundTrip(RuleContext context) {
        TpmHsm hsm = context.openTpm();
        byte[] key = activateKitKey(hsm);
        try {
            // 2000 bytes is past a TPM's input buffer (1024 on swtpm): the HMAC sequence path
            for (int size : new int[] {1, 32, 2000}) {
                byte[] data = new byte[size];
                RANDOM.nextBytes(data);
                byte[] tpm = hsm.signWithIdentity(data);
                byte[] service = HmacSha256.compute(key, data);
                require(Arrays.equals(tpm, service), () -> "signWithIdentity over " + size + " bytes is "
                        + (tpm == null ? "null" : HexFormat.of().formatHex(tpm)) + ", but HMAC-SHA256 with the activated key is "
                        + HexFormat.of().formatHex(service));
            }
        } finally {
            HmacSha256.wipe(key);
        }
    }

    private static void sasToken(RuleContext context) {
        TpmHsm hsm = context.openTpm();
        byte[] key = activateKitKey(hsm);
        String resource = "0ne00000000/registrations/" + hsm.registrationId();
        String token = SasToken.sign(resource, Instant.now().getEpochSecond() + 3600, SasToken.REGISTRATION_KEY_NAME,
                SasToken.ResourceEncoding.AS_IS, hsm::signWithIdentity).value();
        try {
            SasVerifier.verify(token, key, resource, Instant.now());
        } catch (AttestationException e) {
            throw new RuleViolation("the service refuses the device's SAS token: " + e.getMessage());
        } finally {
            HmacSha256.wipe(key);
        }
    }

    private static void foreignBlob(RuleContext context) throws Exception {
        TpmHsm hsm = context.openTpm();
        byte[] key = activateKitKey(hsm);
        byte[] data = {5, 6, 7};
        byte[] foreign = ActivationBlobBuilder.forTpm(withOtherModulus(hsm.endorsementKey()), hsm.storageRootKey())
                .build(new byte[32]);
        try {
            hsm.activateIdentityKey(foreign);
            throw new RuleViolation("activateIdentityKey accepted a blob sealed to another TPM's endorsement key");
        } catch (InvalidInputException e) {
            throw new RuleViolation("a well-formed blob for another TPM was called malformed (" + e.getMessage()
                    + "); expected the TPM's refusal as HsmException", e);
        } catch (HsmException e) {
            // refused by the TPM, as it must be
        }
        byte[] after = hsm.signWithIdentity(data);
        byte[] expected = HmacSha256.compute(key, data);
        HmacSha256.wipe(key);
        require(Arrays.equals(after, expected), () -> "after a refused blob the identity key signs differently");
    }

    /** The same EK public area with another RSA modulus: an EK of another TPM. */
    static byte[] withOtherModulus(byte[] ek) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] modulus = ((RSAPublicKey) generator.generateKeyPair().getPublic()).getModulus().toByteArray();
        byte[] unsigned = modulus.length == 257 ? Arrays.copyOfRange(modulus, 1, 257) : modulus;
        byte[] copy = ek.clone();
        // unique is the last field: u16 size (256) then the modulus
        ByteBuffer.wrap(copy).position(copy.length - 256).put(unsigned);
        return copy;
    }

    /** A well-formed blob for this TPM, to derive malformed ones from. */
    static byte[] sampleBlob(TpmHsm hsm) {
        return ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(new byte[32]);
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
