package io.provhsm.dice;

import io.provhsm.InvalidInputException;
import java.util.Locale;

/** The DICE mode input (one byte in the CDI derivation, an ENUMERATED in the certificate). */
public enum DiceMode {
    NOT_CONFIGURED, NORMAL, DEBUG, RECOVERY;

    /** The value of the mode byte: 0 to 3. */
    public int value() {
        return ordinal();
    }

    public static DiceMode fromValue(int value) {
        if (value < 0 || value > 3) {
            throw new InvalidInputException("DICE mode must be 0 (not configured), 1 (normal), 2 (debug) or 3 (recovery), got " + value);
        }
        return values()[value];
    }

    /** {@code normal}, {@code not-configured}, ... or the number 0-3. */
    public static DiceMode parse(String text) {
        String name = text.strip().toLowerCase(Locale.ROOT);
        for (DiceMode mode : values()) {
            if (mode.settingName().equals(name)) {
                return mode;
            }
        }
        try {
            return fromValue(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("DICE mode must be not-configured, normal, debug or recovery (or 0-3), got '" + text + "'");
        }
    }

    public String settingName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
