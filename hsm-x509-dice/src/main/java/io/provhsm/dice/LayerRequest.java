package io.provhsm.dice;

import io.provhsm.InvalidInputException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The inputs of one DICE layer in the field names of the Open Profile's test vectors ({@code current_cdi_attest},
 * {@code code_hash}, {@code config_type} inline|descriptor, {@code mode}, ...; byte values as hex strings).
 */
public record LayerRequest(byte[] currentCdiAttest, byte[] currentCdiSeal, DiceInputs inputs) {
    public static final Set<String> FIELDS = Set.of("current_cdi_attest", "current_cdi_seal", "code_hash",
            "code_descriptor", "config_type", "config_value", "config_descriptor", "authority_hash",
            "authority_descriptor", "mode", "hidden");

    /**
     * Parses the fields (every value as text). Missing descriptors are empty; everything else is required.
     *
     * @throws InvalidInputException naming the field that is missing, unknown, not hex or of the wrong length
     */
    public static LayerRequest fromFields(Map<String, String> fields) {
        for (String key : fields.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new InvalidInputException("unknown DICE input field '" + key + "'; known: " + new TreeSet<>(FIELDS));
            }
        }
        byte[] cdiAttest = cdi(fields, "current_cdi_attest");
        byte[] cdiSeal = cdi(fields, "current_cdi_seal");
        String configTypeText = required(fields, "config_type").toLowerCase(Locale.ROOT);
        DiceInputs.ConfigType configType = switch (configTypeText) {
            case "inline" -> DiceInputs.ConfigType.INLINE;
            case "descriptor" -> DiceInputs.ConfigType.DESCRIPTOR;
            default -> throw new InvalidInputException("config_type must be inline or descriptor, got '" + configTypeText + "'");
        };
        DiceMode mode;
        try {
            mode = DiceMode.fromValue(Integer.parseInt(required(fields, "mode")));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("mode must be an integer 0-3, got '" + fields.get("mode") + "'");
        }
        DiceInputs inputs = new DiceInputs(hex(fields, "code_hash", true), hex(fields, "code_descriptor", false),
                configType, hex(fields, "config_value", configType == DiceInputs.ConfigType.INLINE),
                hex(fields, "config_descriptor", false), hex(fields, "authority_hash", true),
                hex(fields, "authority_descriptor", false), mode, hex(fields, "hidden", true));
        return new LayerRequest(cdiAttest, cdiSeal, inputs);
    }

    /** Runs the layer. */
    public OpenDice.LayerOutput run() {
        return OpenDice.layer(currentCdiAttest, currentCdiSeal, inputs);
    }

    /** Erases the current CDIs held by this request. */
    public void wipe() {
        Arrays.fill(currentCdiAttest, (byte) 0);
        Arrays.fill(currentCdiSeal, (byte) 0);
    }

    @Override
    public String toString() {
        return "LayerRequest[" + inputs + "]";
    }

    private static byte[] cdi(Map<String, String> fields, String key) {
        byte[] value = hex(fields, key, true);
        if (value.length != OpenDice.CDI_SIZE) {
            throw new InvalidInputException(key + " must be " + OpenDice.CDI_SIZE + " bytes, got " + value.length);
        }
        return value;
    }

    private static String required(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new InvalidInputException("DICE input field " + key + " is missing");
        }
        return value.strip();
    }

    private static byte[] hex(Map<String, String> fields, String key, boolean required) {
        String text = required ? required(fields, key) : fields.getOrDefault(key, "").strip();
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("DICE input field " + key + " is not hex (" + text.length() + " characters)");
        }
    }
}
