package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.Hsms;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.spi.HsmConfig;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example custom HSM (native/example) through the provider, with each binding. */
class ExampleLibraryTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    static HsmConfig config(String binding) {
        return NativeLibraries.config(NativeLibraries.path(NativeLibraries.EXAMPLE), binding);
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void providerIsFoundAndServesAllThreeInterfaces(String binding) {
        var info = Hsms.survey(config(binding).with("provhsm.provider", "custom")).stream()
                .filter(i -> i.name().equals("custom")).findFirst().orElseThrow();
        assertTrue(info.availability().available(), info.describe());
        assertTrue(info.availability().reason().contains("libcustom_hsm_example.so via " + binding), info.describe());
        assertTrue(info.availability().reason().contains("TPM") && info.availability().reason().contains("X509")
                && info.availability().reason().contains("SYMMETRIC_KEY"), info.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void x509ChainAndKeyBelongTogether(String binding) throws Exception {
        try (X509Hsm hsm = Hsms.openX509(config(binding).with("provhsm.provider", "custom"))) {
            var chain = hsm.certificateChain();
            assertEquals(2, chain.size());
            assertEquals("CN=" + hsm.commonName(), chain.get(0).getSubjectX500Principal().getName());
            assertTrue(RegistrationIds.isValid(hsm.registrationId()), hsm.registrationId());
            chain.get(0).verify(chain.get(1).getPublicKey());
            assertEquals(chain.get(1), hsm.rootCertificate().orElseThrow());

            var key = hsm.aliasKey();
            assertTrue(key instanceof ECPrivateKey, key.getClass().getName());
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(new byte[] {1, 2, 3});
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(chain.get(0).getPublicKey());
            verifier.update(new byte[] {1, 2, 3});
            assertTrue(verifier.verify(signature), "alias key does not match the leaf certificate");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void activatedIdentityKeySignsLikeSoftwareHmac(String binding) throws Exception {
        try (TpmHsm tpm = Hsms.openTpm(config(binding).with("provhsm.provider", "custom"))) {
            byte[] ek = tpm.endorsementKey();
            byte[] srk = tpm.storageRootKey();
            // TPM2B_PUBLIC with the EK and SRK templates (specs/dps-tpm-attestation.md)
            assertEquals(316, ek.length);
            assertEquals("013a0001000b000300b20020837197", HexFormat.of().formatHex(ek, 0, 15));
            assertEquals(284, srk.length);
            assertEquals("011a0001000b00030472", HexFormat.of().formatHex(srk, 0, 10));
            assertEquals(RegistrationIds.fromEndorsementKey(ek), tpm.registrationId());
            assertEquals(52, tpm.registrationId().length());

            byte[] identityKey = new byte[48];
            RANDOM.nextBytes(identityKey);
            tpm.activateIdentityKey(ServiceSide.seal(ek, srk, identityKey));
            for (int size : new int[] {0, 1, 64, 4096, 100_000}) {
                byte[] data = new byte[size];
                RANDOM.nextBytes(data);
                assertArrayEquals(hmac(identityKey, data), tpm.signWithIdentity(data), "size " + size);
            }

            // a well-formed blob whose integrity fails is refused by the library; the active key stays in force
            byte[] tampered = ServiceSide.seal(ek, srk, new byte[32]);
            tampered[10] ^= 1; // inside the credential's integrity HMAC
            HsmException refused = assertThrows(HsmException.class, () -> tpm.activateIdentityKey(tampered));
            assertFalse(refused instanceof InvalidInputException, refused.toString());
            assertTrue(refused.getMessage().contains("hsm_client_activate_identity_key failed"), refused.getMessage());
            assertArrayEquals(hmac(identityKey, new byte[] {7}), tpm.signWithIdentity(new byte[] {7}));

            // malformed blobs are refused before the library sees them
            byte[] good = ServiceSide.seal(ek, srk, new byte[32]);
            InvalidInputException trailing = assertThrows(InvalidInputException.class,
                    () -> tpm.activateIdentityKey(java.util.Arrays.copyOf(good, good.length + 1)));
            assertEquals("activation blob has 1 trailing bytes after encryptedData (offset " + good.length + ")", trailing.getMessage());
            assertThrows(InvalidInputException.class, () -> tpm.activateIdentityKey(new byte[0]));
            assertArrayEquals(hmac(identityKey, new byte[] {8}), tpm.signWithIdentity(new byte[] {8}));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void symmetricKeyRoundTrips(String binding) throws Exception {
        try (SymmetricKeyHsm hsm = Hsms.openSymmetricKey(config(binding).with("provhsm.provider", "custom"))) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String id = "device-" + binding + "-" + RANDOM.nextInt(1_000_000);
            hsm.setKeyInfo(id, Base64.getEncoder().encodeToString(key).toCharArray());
            assertEquals(id, hsm.registrationId());
            byte[] data = "sr=scope\n1700000000".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertArrayEquals(hmac(key, data), hsm.sign(data));

            InvalidInputException bad = assertThrows(InvalidInputException.class, () -> hsm.setKeyInfo("other", "not base64!".toCharArray()));
            assertFalse(bad.getMessage().contains("not base64!"), "the key must not appear in the message");
            assertThrows(InvalidInputException.class, () -> hsm.setKeyInfo("UPPER CASE", "AAAA".toCharArray()));
            InvalidInputException tooShort = assertThrows(InvalidInputException.class,
                    () -> hsm.setKeyInfo("other", Base64.getEncoder().encodeToString(new byte[8]).toCharArray()));
            assertEquals("symmetric key is 8 bytes; a key must be 16 to 64 bytes", tooShort.getMessage());
            assertEquals(id, hsm.registrationId(), "a refused update must change nothing");
            assertArrayEquals(hmac(key, data), hsm.sign(data));
        }
        try (SymmetricKeyHsm again = Hsms.openSymmetricKey(config(binding).with("provhsm.provider", "custom"))) {
            assertTrue(again.registrationId().startsWith("device-" + binding), "key info is persisted by the library");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void initIsReferenceCountedAcrossHandles(String binding) throws Exception {
        HsmConfig config = config(binding);
        CustomHsmProvider provider = new CustomHsmProvider();
        TpmHsm first = (TpmHsm) provider.open(Mechanism.TPM, config);
        TpmHsm second = (TpmHsm) provider.open(Mechanism.TPM, config);
        byte[] ek = first.endorsementKey();
        first.close();
        first.close(); // idempotent
        // the library's deinit unloads its keys: the second handle works only if deinit waited for it
        assertArrayEquals(ek, second.endorsementKey());
        assertThrows(IllegalStateException.class, first::endorsementKey);
        second.close();
        try (TpmHsm third = (TpmHsm) provider.open(Mechanism.TPM, config)) {
            assertArrayEquals(ek, third.endorsementKey(), "init after the last deinit reloads the same identity");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jna", "jnr"})
    void concurrentCallsOnOneHandleAreCorrect(String binding) throws Exception {
        for (String threadSafe : new String[] {"false", "true"}) {
            try (TpmHsm tpm = (TpmHsm) new CustomHsmProvider().open(Mechanism.TPM,
                    config(binding).with(CustomSettings.THREAD_SAFE, threadSafe))) {
                byte[] identityKey = new byte[32];
                RANDOM.nextBytes(identityKey);
                tpm.activateIdentityKey(ServiceSide.seal(tpm.endorsementKey(), tpm.storageRootKey(), identityKey));
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Boolean>> results = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        int seed = t;
                        results.add(pool.submit(() -> {
                            for (int i = 0; i < 200; i++) {
                                byte[] data = {(byte) seed, (byte) i};
                                if (!java.util.Arrays.equals(hmac(identityKey, data), tpm.signWithIdentity(data))) {
                                    return false;
                                }
                            }
                            return true;
                        }));
                    }
                    for (Future<Boolean> result : results) {
                        assertTrue(result.get(), "thread-safe=" + threadSafe);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
