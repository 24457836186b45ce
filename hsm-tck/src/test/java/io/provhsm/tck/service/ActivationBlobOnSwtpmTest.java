package io.provhsm.tck.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.testing.TestVectors;
import io.provhsm.tpm.TpmDeviceHsm;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TctiTransport;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blobs built in software by {@link ActivationBlobBuilder} activate on a real TPM (swtpm on a copy of the shared
 * state, and on a fresh TPM), and the TPM's HMACs equal the JCE's with the key the blob delivered.
 */
class ActivationBlobOnSwtpmTest {
    private static final int[] MESSAGE_SIZES = {0, 5, 1024, 3000};

    @TempDir
    Path temp;
    private Swtpm shared;
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void startSwtpmOnSharedState() {
        shared = Swtpm.start(Swtpm.copyState(TestVectors.tpmSwtpmState(), temp.resolve("shared")));
    }

    @AfterEach
    void stopSwtpm() {
        shared.stop();
    }

    private static TpmDeviceHsm open(Swtpm swtpm, String transport) {
        return TpmDeviceHsm.open(transport.equals("tcp") ? new TcpTransport("127.0.0.1", swtpm.dataPort(), 10_000)
                : new TctiTransport(swtpm.tcti()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tcti"})
    void builtBlobActivatesAndTheTpmHmacEqualsSoftwareHmac_thenASecondBlobReplacesTheKey(String transport) throws Exception {
        try (TpmDeviceHsm hsm = open(shared, transport)) {
            ActivationBlobBuilder builder = ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey());
            byte[] first = randomBytes(32);
            hsm.activateIdentityKey(builder.build(first));
            assertSignsWith(hsm, first);

            byte[] second = randomBytes(64);
            hsm.activateIdentityKey(builder.build(second));
            assertSignsWith(hsm, second);
            byte[] hello = "hello".getBytes();
            assertFalse(Arrays.equals(hmac(first, hello), hsm.signWithIdentity(hello)), "the first key is gone");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp"})
    void builtBlobActivatesOnAFreshTpmWithItsOwnNewKeys(String transport) throws Exception {
        try (Swtpm fresh = Swtpm.start(temp.resolve("fresh")); TpmDeviceHsm hsm = open(fresh, transport)) {
            byte[] key = randomBytes(ActivationBlobBuilder.MAX_HMAC_KEY);
            hsm.activateIdentityKey(ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key));
            assertSignsWith(hsm, key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tcti"})
    void blobForAnotherTpmFailsClearlyAndThePreviousIdentityKeepsWorking(String transport) throws Exception {
        byte[] otherEk;
        byte[] otherSrk;
        try (Swtpm other = Swtpm.start(temp.resolve("other")); TpmDeviceHsm otherHsm = open(other, "tcp")) {
            otherEk = otherHsm.endorsementKey();
            otherSrk = otherHsm.storageRootKey();
        }
        try (TpmDeviceHsm hsm = open(shared, transport)) {
            byte[] key = randomBytes(32);
            hsm.activateIdentityKey(ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key));

            byte[] foreign = ActivationBlobBuilder.forTpm(otherEk, otherSrk).build(randomBytes(32));
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(foreign));
            assertFalse(e instanceof InvalidInputException, "well-formed, only for another TPM");
            assertTrue(e.getMessage().contains("TPM2_ActivateCredential") && e.getMessage().contains("not made for this TPM"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("previous identity key is unchanged"), e.getMessage());
            assertSignsWith(hsm, key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp"})
    void blobWithTheRightEkButAnotherSrkFailsAtImportAndKeepsThePreviousIdentity(String transport) throws Exception {
        byte[] otherSrk;
        try (Swtpm other = Swtpm.start(temp.resolve("other")); TpmDeviceHsm otherHsm = open(other, "tcp")) {
            otherSrk = otherHsm.storageRootKey();
        }
        try (TpmDeviceHsm hsm = open(shared, transport)) {
            byte[] key = randomBytes(32);
            hsm.activateIdentityKey(ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key));
            byte[] mixed = ActivationBlobBuilder.forTpm(hsm.endorsementKey(), otherSrk).build(randomBytes(32));
            HsmException e = assertThrows(HsmException.class, () -> hsm.activateIdentityKey(mixed));
            assertTrue(e.getMessage().contains("TPM2_"), e.getMessage());
            assertSignsWith(hsm, key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcti"})
    void inDictionaryAttackLockoutAnIdentityWithoutNoDaGivesAClearErrorAndWorksAgainAfterwards(String transport)
            throws Exception {
        try (TpmDeviceHsm hsm = open(shared, transport)) {
            byte[] key = randomBytes(32);
            hsm.activateIdentityKey(ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey())
                    .withNoDA(false).build(key));
            assertSignsWith(hsm, key);

            // one wrong password on a DA-protected NV index, with maxTries 1, puts the TPM in lockout
            tpm2(shared, "tpm2_dictionarylockout", "-s", "-n", "1", "-t", "600", "-l", "600");
            tpm2(shared, "tpm2_nvdefine", "0x1500016", "-C", "o", "-s", "8", "-a", "authread|authwrite", "-p", "pass");
            Process wrong = tpm2Process(shared, "tpm2_nvread", "0x1500016", "-P", "wrong", "-s", "8");
            assertTrue(wrong.waitFor() != 0, "the wrong password is refused");

            HsmException e = assertThrows(HsmException.class, () -> hsm.signWithIdentity(new byte[5]));
            assertTrue(e.getMessage().contains("TPM_RC_LOCKOUT") && e.getMessage().contains("dictionary-attack lockout"),
                    e.getMessage());

            tpm2(shared, "tpm2_dictionarylockout", "-c");
            assertSignsWith(hsm, key);
        }
    }

    private static void tpm2(Swtpm swtpm, String... command) throws Exception {
        Process process = tpm2Process(swtpm, command);
        String err = new String(process.getErrorStream().readAllBytes());
        assertTrue(process.waitFor() == 0, String.join(" ", command) + ": " + err);
    }

    private static Process tpm2Process(Swtpm swtpm, String... command) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("TPM2TOOLS_TCTI", swtpm.tcti());
        builder.environment().put("TSS2_LOG", "all+none");
        return builder.start();
    }

    private static void assertSignsWith(TpmHsm hsm, byte[] key) throws GeneralSecurityException {
        for (int size : MESSAGE_SIZES) {
            byte[] message = new byte[size];
            for (int i = 0; i < size; i++) {
                message[i] = (byte) (i * 7 + size);
            }
            assertArrayEquals(hmac(key, message), hsm.signWithIdentity(message), size + "-byte message");
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
