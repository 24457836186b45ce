package io.provhsm.custom;

import io.provhsm.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The service side of the example custom HSM's identity-key import (native/example/README.md): seals an
 * HMAC key to the endorsement key that library's {@code get_ek} reports, for its {@code activate_identity_key}.
 */
public final class ExampleIdentityImport {
    private static final byte VERSION = 1;
    private static final byte[] OAEP_LABEL = "provhsm-example-identity".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExampleIdentityImport() {
    }

    /**
     * @param endorsementKey DER SubjectPublicKeyInfo of the example's RSA endorsement key
     * @param identityKey the HMAC key, 1 to 128 bytes
     */
    public static byte[] seal(byte[] endorsementKey, byte[] identityKey) {
        if (identityKey.length == 0 || identityKey.length > 128) {
            throw new InvalidInputException("identity key is " + identityKey.length + " bytes; 1 to 128 allowed");
        }
        byte[] aesKey = new byte[32];
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(aesKey);
        RANDOM.nextBytes(nonce);
        try {
            PublicKey ek = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(endorsementKey));
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, ek,
                    new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(OAEP_LABEL)));
            byte[] wrapped = oaep.doFinal(aesKey);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(new byte[] {VERSION});
            byte[] sealed = gcm.doFinal(identityKey); // ciphertext || 16-byte tag
            return ByteBuffer.allocate(1 + 2 + wrapped.length + nonce.length + 2 + sealed.length)
                    .put(VERSION).putShort((short) wrapped.length).put(wrapped).put(nonce)
                    .putShort((short) identityKey.length).put(sealed).array();
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new InvalidInputException("endorsement key is not an RSA SubjectPublicKeyInfo: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP or AES-GCM missing from the JDK", e);
        } finally {
            java.util.Arrays.fill(aesKey, (byte) 0);
        }
    }
}
