package io.provhsm.dice;

import io.provhsm.HsmConfigException;
import io.provhsm.InvalidInputException;
import io.provhsm.dice.riot.RiotEmulator;
import io.provhsm.spi.HsmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * The provider's settings, read and checked as a whole before anything is created: a bad value gives one
 * {@link HsmConfigException} naming the setting, and no file is written.
 */
final class DiceSettings {
    static final String PROFILE = "provhsm.dice.profile";
    static final String UDS = "provhsm.dice.uds";
    static final String UDS_FILE = "provhsm.dice.uds-file";
    /** Where the default UDS and signer secret files live (default: the user's data directory + /provhsm). */
    static final String DATA_DIR = "provhsm.dice.data-dir";
    static final String CODE_HASH = "provhsm.dice.code-hash";
    static final String CODE_DESCRIPTOR = "provhsm.dice.code-descriptor";
    static final String FIRMWARE_FILE = "provhsm.dice.firmware-file";
    static final String CONFIG_VALUE = "provhsm.dice.config-value";
    static final String CONFIG_DESCRIPTOR = "provhsm.dice.config-descriptor";
    static final String AUTHORITY_HASH = "provhsm.dice.authority-hash";
    static final String AUTHORITY_DESCRIPTOR = "provhsm.dice.authority-descriptor";
    static final String MODE = "provhsm.dice.mode";
    static final String HIDDEN = "provhsm.dice.hidden";
    static final String SIGNER_SECRET = "provhsm.dice.signer-secret";
    static final String SIGNER_KEY_FILE = "provhsm.dice.signer-key-file";
    static final String SIGNER_KEY_PASSWORD = "provhsm.dice.signer-key-password";
    static final String MEASUREMENT = "provhsm.dice.measurement";
    static final String FWID = "provhsm.dice.fwid";

    static final String OPEN_DICE = "open-dice";
    static final String RIOT = "riot";
    static final String RIOT_FIXED = "riot-fixed";
    static final Set<String> PROFILES = Set.of(OPEN_DICE, RIOT, RIOT_FIXED);

    static final String UDS_FILE_NAME = "dice-uds";
    static final String SIGNER_FILE_NAME = "dice-signer";

    private DiceSettings() {
    }

    static String profile(HsmConfig config) {
        return config.choice(PROFILE, OPEN_DICE, PROFILES);
    }

    /** The RIoT inputs: each 32 bytes of hex, defaulting to the C SDK's built-in values. */
    record RiotInputs(byte[] uds, byte[] measurement, byte[] fwid) {
        static RiotInputs from(HsmConfig config) {
            return new RiotInputs(
                    config.hex(UDS, RiotEmulator.INPUT_SIZE).orElse(RiotEmulator.DEFAULT_UDS.clone()),
                    config.hex(MEASUREMENT, RiotEmulator.INPUT_SIZE).orElse(RiotEmulator.DEFAULT_MEASUREMENT.clone()),
                    config.hex(FWID, RiotEmulator.INPUT_SIZE).orElse(RiotEmulator.DEFAULT_FWID.clone()));
        }
    }

    /** Where the open-dice secrets come from; resolved (and files created) only by {@link #uds()} and {@link #root()}. */
    record OpenDiceInputs(Optional<byte[]> udsValue, Path udsFile, boolean createUdsFile, DiceInputs firmware,
                          Optional<byte[]> signerSecret, Optional<Path> signerKeyFile, char[] signerKeyPassword,
                          Path signerSecretFile) {

        static OpenDiceInputs from(HsmConfig config) {
            Optional<byte[]> uds = config.hex(UDS, OpenDice.CDI_SIZE);
            Optional<Path> udsFile = config.path(UDS_FILE);
            if (uds.isPresent() && udsFile.isPresent()) {
                throw new HsmConfigException("set either " + UDS + " or " + UDS_FILE + ", not both");
            }
            Path dataDir = config.path(DATA_DIR).orElseGet(config::userDataDirectory);
            DiceInputs firmware = DiceSettings.firmware(config);
            Optional<byte[]> signerSecret = config.hex(SIGNER_SECRET);
            signerSecret.ifPresent(secret -> {
                if (secret.length < 16 || secret.length > 64) {
                    throw new HsmConfigException(config.describe(SIGNER_SECRET) + " must be 16 to 64 bytes, got " + secret.length);
                }
            });
            Optional<Path> signerKeyFile = config.path(SIGNER_KEY_FILE);
            if (signerSecret.isPresent() && signerKeyFile.isPresent()) {
                throw new HsmConfigException("set either " + SIGNER_SECRET + " or " + SIGNER_KEY_FILE + ", not both");
            }
            char[] password = config.get(SIGNER_KEY_PASSWORD).map(String::toCharArray).orElse(new char[0]);
            return new OpenDiceInputs(uds, udsFile.orElse(dataDir.resolve(UDS_FILE_NAME)), udsFile.isEmpty() && uds.isEmpty(),
                    firmware, signerSecret, signerKeyFile, password, dataDir.resolve(SIGNER_FILE_NAME));
        }

        /** The signer, loaded or derived; the default signer secret file is created on first use. */
        RootCa root(SecureRandom random) {
            if (signerKeyFile.isPresent()) {
                return RootCa.load(signerKeyFile.get(), signerKeyPassword, "signer key file (" + SIGNER_KEY_FILE + ")");
            }
            byte[] secret = signerSecret.orElseGet(() -> SecretFile.readOrCreate(signerSecretFile,
                    "signer secret file (default of " + SIGNER_SECRET + ", in " + DATA_DIR + ")", random));
            try {
                return RootCa.derive(secret);
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        }

        /** Checks that a configured UDS file is usable, without creating anything. */
        void checkUds() {
            if (udsValue.isEmpty() && !createUdsFile) {
                java.util.Arrays.fill(SecretFile.read(udsFile, "UDS file (" + UDS_FILE + ")"), (byte) 0);
            } else if (createUdsFile && Files.exists(udsFile)) {
                java.util.Arrays.fill(SecretFile.read(udsFile, "UDS file (default of " + UDS_FILE + ", in " + DATA_DIR + ")"), (byte) 0);
            }
        }

        /** The UDS; the default file is created on first use. The caller wipes it. */
        byte[] uds(SecureRandom random) {
            if (udsValue.isPresent()) {
                return udsValue.get().clone();
            }
            if (createUdsFile) {
                return SecretFile.readOrCreate(udsFile, "UDS file (default of " + UDS_FILE + ", in " + DATA_DIR + ")", random);
            }
            return SecretFile.read(udsFile, "UDS file (" + UDS_FILE + ")");
        }

        void wipe() {
            udsValue.ifPresent(b -> java.util.Arrays.fill(b, (byte) 0));
            signerSecret.ifPresent(b -> java.util.Arrays.fill(b, (byte) 0));
            java.util.Arrays.fill(signerKeyPassword, '\0');
        }

        @Override
        public String toString() {
            return "OpenDiceInputs[" + firmware + "]";
        }
    }

    /** The firmware measurements of layer 0; unset values are zero, the mode defaults to normal. */
    static DiceInputs firmware(HsmConfig config) {
        Optional<byte[]> codeHash = config.hex(CODE_HASH, DiceInputs.HASH_SIZE);
        Optional<Path> firmwareFile = config.path(FIRMWARE_FILE);
        if (codeHash.isPresent() && firmwareFile.isPresent()) {
            throw new HsmConfigException("set either " + CODE_HASH + " or " + FIRMWARE_FILE + ", not both");
        }
        byte[] code = codeHash.orElseGet(() -> firmwareFile.map(DiceSettings::sha512OfFile).orElse(new byte[DiceInputs.HASH_SIZE]));
        Optional<byte[]> configValue = config.hex(CONFIG_VALUE, DiceInputs.HASH_SIZE);
        Optional<byte[]> configDescriptor = config.hex(CONFIG_DESCRIPTOR);
        if (configValue.isPresent() && configDescriptor.isPresent()) {
            throw new HsmConfigException("set either " + CONFIG_VALUE + " (inline) or " + CONFIG_DESCRIPTOR + ", not both");
        }
        DiceMode mode;
        try {
            mode = config.get(MODE).map(DiceMode::parse).orElse(DiceMode.NORMAL);
        } catch (InvalidInputException e) {
            throw new HsmConfigException(config.describe(MODE) + ": " + e.getMessage());
        }
        return new DiceInputs(code, config.hex(CODE_DESCRIPTOR).orElse(null),
                configDescriptor.isPresent() ? DiceInputs.ConfigType.DESCRIPTOR : DiceInputs.ConfigType.INLINE,
                configValue.orElse(new byte[DiceInputs.HASH_SIZE]), configDescriptor.orElse(null),
                config.hex(AUTHORITY_HASH, DiceInputs.HASH_SIZE).orElse(new byte[DiceInputs.HASH_SIZE]),
                config.hex(AUTHORITY_DESCRIPTOR).orElse(null), mode,
                config.hex(HIDDEN, DiceInputs.HASH_SIZE).orElse(new byte[DiceInputs.HASH_SIZE]));
    }

    private static byte[] sha512OfFile(Path file) {
        SHA512Digest digest = new SHA512Digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new HsmConfigException("firmware file (" + FIRMWARE_FILE + ") " + file + " cannot be read: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        byte[] out = new byte[64];
        digest.doFinal(out, 0);
        return out;
    }
}
