package io.provhsm;

/**
 * A TPM 2.0 identity: the counterpart of the C SDK's {@code HSM_CLIENT_TPM_INTERFACE}.
 *
 * <p>Implementations are thread-safe: concurrent calls are serialised on the device.
 */
public interface TpmHsm extends Hsm {

    @Override
    default Mechanism mechanism() {
        return Mechanism.TPM;
    }

    /** The endorsement key as a marshalled {@code TPM2B_PUBLIC} (u16 size, then TPMT_PUBLIC). */
    byte[] endorsementKey();

    /** The storage root key as a marshalled {@code TPM2B_PUBLIC}. */
    byte[] storageRootKey();

    /**
     * Activates the key the service sealed to this TPM's endorsement key (the "authenticationKey" blob)
     * and persists it as the identity key, replacing any previous one only once the new one is in place.
     *
     * @throws InvalidInputException if the blob is malformed (nothing is changed)
     * @throws HsmException if the TPM refuses it (a blob for another TPM); the previous identity stays usable
     */
    void activateIdentityKey(byte[] activationBlob);

    /**
     * HMAC-SHA256 of {@code data} with the identity key, computed inside the TPM.
     *
     * @throws IllegalStateException if no identity key has been activated
     */
    byte[] signWithIdentity(byte[] data);
}
