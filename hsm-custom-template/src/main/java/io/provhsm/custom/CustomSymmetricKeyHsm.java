package io.provhsm.custom;

import io.provhsm.InvalidInputException;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.HsmException;
import io.provhsm.dps.RegistrationIds;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
        byte[] key = null;
        try {
            key = Base64.getDecoder().decode(base64);
            if (key.length == 0) {
                throw new HsmException(table.name(GET_SYMM_KEY) + " returned an empty key" + library.where());
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (IllegalArgumentException e) {
            throw new HsmException(table.name(GET_SYMM_KEY) + " returned a key that is not base64 (" + base64.length + " characters)"
                    + library.where());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        } finally {
            HsmLibrary.wipe(base64);
            HsmLibrary.wipe(key);
        }
    }

    @Override
    public void setKeyInfo(String registrationId, char[] base64Key) {
        RegistrationIds.requireValid(registrationId);
        if (base64Key == null || base64Key.length == 0) {
            throw new InvalidInputException("symmetric key is empty");
        }
        ByteBuffer encoded = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(base64Key));
        byte[] keyBytes = new byte[encoded.remaining()];
        encoded.get(keyBytes);
        encoded.clear();
        encoded.put(new byte[encoded.capacity()]);
        byte[] decoded = null;
        try {
            decoded = Base64.getDecoder().decode(keyBytes);
        } catch (IllegalArgumentException e) {
            decoded = null;
        }
        boolean valid = decoded != null && decoded.length > 0;
        HsmLibrary.wipe(decoded);
        if (!valid) {
            HsmLibrary.wipe(keyBytes);
            throw new InvalidInputException("symmetric key is not valid base64 of at least one byte (" + base64Key.length + " characters)");
        }
        try {
            call(() -> {
                library.callStrings(table, SET_SYMM_KEY_INFO, handle, registrationId.getBytes(StandardCharsets.UTF_8), keyBytes);
                return null;
            });
        } finally {
            HsmLibrary.wipe(keyBytes);
        }
    }
}
