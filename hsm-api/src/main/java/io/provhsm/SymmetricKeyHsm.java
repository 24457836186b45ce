package io.provhsm;

/**
 * A symmetric-key identity: the counterpart of the C SDK's {@code HSM_CLIENT_KEY_INTERFACE},
 * except that the key is never handed out: the session signs with it.
 *
 * <p>Implementations are thread-safe.
 */
public interface SymmetricKeyHsm extends Hsm {

    @Override
    default Mechanism mechanism() {
        return Mechanism.SYMMETRIC_KEY;
    }

    /** The registration id (the C SDK's "registration name"). */
    @Override
    String registrationId();

    /** HMAC-SHA256 of {@code data} with the device key. */
    byte[] sign(byte[] data);

    /**
     * Replaces the registration id and device key (the C SDK's {@code set_symm_key_info}).
     *
     * @param base64Key the device key, base64 as the service shows it; the caller may wipe the array afterwards
     * @throws InvalidInputException if the id or the key is malformed (nothing is changed)
     */
    void setKeyInfo(String registrationId, char[] base64Key);
}
