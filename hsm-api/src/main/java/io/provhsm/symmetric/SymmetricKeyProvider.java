package io.provhsm.symmetric;

import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.InvalidInputException;
import io.provhsm.Mechanism;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.dps.SymmetricKeys;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import io.provhsm.spi.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code symmetric-key}: a software symmetric-key identity (the C SDK's symmetric-key HSM), so the SPI has a
 * provider that runs anywhere. The device key comes from exactly one of
 * <ul>
 *   <li>{@value #KEY}: the device key, base64 ({@code PROVHSM_SYMMETRIC_KEY_KEY});</li>
 *   <li>{@value #KEY_FILE}: a file holding that base64 text, owner-only (refused if group or others can access it);</li>
 *   <li>{@value #GROUP_KEY}: a group enrollment key, base64; the device key is derived from it and the
 *       registration id ({@link SymmetricKeys#deriveDeviceKey}).</li>
 * </ul>
 * and the registration id from {@value #REGISTRATION_ID}. Available only when configured. Key values never
 * appear in messages.
 */
public final class SymmetricKeyProvider implements HsmProvider {
    public static final String NAME = "symmetric-key";
    public static final String KEY = "provhsm.symmetric-key.key";
    public static final String KEY_FILE = "provhsm.symmetric-key.key-file";
    public static final String GROUP_KEY = "provhsm.symmetric-key.group-key";
    public static final String REGISTRATION_ID = "provhsm.symmetric-key.registration-id";
    private static final List<String> KEY_SOURCES = List.of(KEY, KEY_FILE, GROUP_KEY);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return EnumSet.of(Mechanism.SYMMETRIC_KEY);
    }

    /** Available when a registration id and one key source are set; their values are checked by {@link #open}. */
    @Override
    public Availability availability(HsmConfig config) {
        List<String> keySources = configuredKeySources(config);
        boolean hasId = config.get(REGISTRATION_ID).isPresent();
        if (keySources.isEmpty()) {
            return Availability.unavailable("not configured: set " + REGISTRATION_ID + " and " + KEY + " (environment "
                    + HsmConfig.environmentName(KEY) + "; base64 device key), or " + KEY_FILE + ", or " + GROUP_KEY
                    + " to derive the device key from a group key");
        }
        if (!hasId) {
            return Availability.unavailable(REGISTRATION_ID + " is not set (environment "
                    + HsmConfig.environmentName(REGISTRATION_ID) + ")");
        }
        String from = keySources.stream().map(config::describe).collect(Collectors.joining(", "));
        return Availability.available((keySources.contains(GROUP_KEY) && keySources.size() == 1
                ? "device key derived from the group key in " : "device key from ") + from);
    }

    /**
     * @throws HsmConfigException naming the setting (and where it came from) that is missing or malformed,
     *                            or the key file that cannot be read or that group or others can access
     */
    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        if (mechanism != Mechanism.SYMMETRIC_KEY) {
            throw new HsmConfigException("provider " + NAME + " serves only SYMMETRIC_KEY, not " + mechanism);
        }
        List<String> keySources = configuredKeySources(config);
        if (keySources.size() != 1) {
            throw new HsmConfigException(keySources.isEmpty()
                    ? "provider " + NAME + " needs one of " + KEY + ", " + KEY_FILE + " or " + GROUP_KEY
                    : "provider " + NAME + " takes one key source, but several are set: "
                    + keySources.stream().map(config::describe).collect(Collectors.joining(", ")));
        }
        String registrationId;
        try {
            registrationId = RegistrationIds.requireValid(config.require(REGISTRATION_ID));
        } catch (InvalidInputException e) {
            throw new HsmConfigException(config.describe(REGISTRATION_ID) + ": " + e.getMessage());
        }
        String source = keySources.get(0);
        byte[] key = switch (source) {
            case KEY -> decode(config.require(KEY).toCharArray(), config.describe(KEY));
            case KEY_FILE -> readKeyFile(config);
            default -> {
                byte[] groupKey = decode(config.require(GROUP_KEY).toCharArray(), config.describe(GROUP_KEY));
                try {
                    yield SymmetricKeys.deriveDeviceKey(groupKey, registrationId);
                } finally {
                    HmacSha256.wipe(groupKey);
                }
            }
        };
        return new SymmetricKeySession(registrationId, key);
    }

    private static List<String> configuredKeySources(HsmConfig config) {
        return KEY_SOURCES.stream().filter(k -> config.get(k).isPresent()).toList();
    }

    /** Decodes and wipes the characters; a malformed value is a configuration error naming the setting. */
    private static byte[] decode(char[] base64, String what) {
        try {
            return SymmetricKeys.decode(base64, what);
        } catch (InvalidInputException e) {
            throw new HsmConfigException(e.getMessage());
        } finally {
            Arrays.fill(base64, '\0');
        }
    }

    private static byte[] readKeyFile(HsmConfig config) {
        Path file = config.path(KEY_FILE).orElseThrow();
        // like the dice UDS file: a device key others can read (or replace) is refused, not just warned about
        OwnerOnlyFiles.requireOwnerOnly(file, config.describe(KEY_FILE) + " file");
        String what = config.describe(KEY_FILE) + " file " + file;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new HsmConfigException(what + " does not exist");
        } catch (AccessDeniedException e) {
            throw new HsmConfigException(what + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new HsmConfigException(what + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        CharBuffer chars = null;
        try {
            if (bytes.length > 4096) {
                throw new HsmConfigException(what + " is " + bytes.length + " bytes; a base64 key file is at most 4096");
            }
            chars = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes));
            char[] text = new char[chars.remaining()];
            chars.get(text);
            return decode(text, what);
        } catch (CharacterCodingException e) {
            throw new HsmConfigException(what + " is not base64 text (non-ASCII bytes)");
        } finally {
            HmacSha256.wipe(bytes);
            if (chars != null) {
                chars.clear();
                while (chars.hasRemaining()) {
                    chars.put('\0');
                }
            }
        }
    }
}
