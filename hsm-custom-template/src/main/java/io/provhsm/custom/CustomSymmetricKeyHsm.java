package io.provhsm.custom;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.dps.SymmetricKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@link SymmetricKeyHsm} over a library's {@code HSM_CLIENT_KEY_INTERFACE}. The C ABI hands the base64 key
 * out; this session signs with it and wipes every copy it made (including the library's returned string).
 */
final class CustomSymmetricKeyHsm extends CustomSession implements SymmetricKeyHsm {
    private static final int GET_SYMM_KEY = 2;
    private static final int GET_REGISTRATION_NAME = 3;
    private static final int SET_SYMM_KEY_INFO = 4;
    /** Base64 of the service's longest key (64 bytes) is 88 characters; room for whitespace, and the NUL. */
    private static final int SYMM_KEY_BOUND = 128;
    /** A registration id is at most 128 ASCII characters; and the NUL. */
    private static final int REGISTRATION_NAME_BOUND = RegistrationIds.MAX_LENGTH + 1;

    CustomSymmetricKeyHsm(HsmLibrary library, boolean threadSafe) {
        super(library, HsmTable.KEY, threadSafe);
    }

    @Override
    public String registrationId() {
        return call(() -> library.callString(table, GET_REGISTRATION_NAME, handle, REGISTRATION_NAME_BOUND));
    }

    @Override
    public byte[] sign(byte[] data) {
        if (data == null) {
            throw new InvalidInputException("data to sign is null");
        }
        byte[] base64 = call(() -> library.callSecretString(table, GET_SYMM_KEY, handle, SYMM_KEY_BOUND));
        char[] text = new char[base64.length];
        byte[] key = null;
        try {
            for (int i = 0; i < base64.length; i++) {
                text[i] = (char) (base64[i] & 0xff); // non-ASCII stays non-ASCII, and decode names it
            }
            key = SymmetricKeys.decode(text, "the key from " + table.name(GET_SYMM_KEY));
            return HmacSha256.compute(key, data);
        } catch (InvalidInputException e) {
            // the library's fault, not the caller's; the message names length or position, never the key
            throw new HsmException(e.getMessage() + library.where(), e);
        } finally {
            HmacSha256.wipe(base64);
            Arrays.fill(text, '\0');
            HmacSha256.wipe(key);
        }
    }

    @Override
    public void setKeyInfo(String registrationId, char[] base64Key) {
        RegistrationIds.requireValid(registrationId);
        if (base64Key == null) {
            throw new InvalidInputException("symmetric key is null");
        }
        byte[] key = SymmetricKeys.decode(base64Key, "symmetric key");
        // the library gets the key in canonical base64 (no surrounding whitespace), as ASCII bytes to wipe
        byte[] canonical = Base64.getEncoder().encode(key);
        HmacSha256.wipe(key);
        try {
            call(() -> {
                library.callStrings(table, SET_SYMM_KEY_INFO, handle, registrationId.getBytes(StandardCharsets.UTF_8), canonical);
                return null;
            });
        } finally {
            HmacSha256.wipe(canonical);
        }
    }
}
