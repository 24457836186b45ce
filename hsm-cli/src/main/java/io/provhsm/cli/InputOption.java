package io.provhsm.cli;

import io.provhsm.InvalidInputException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Input bytes given either as text on the command line or as a file: the one way commands read them. A command
 * declares an exclusive {@code @ArgGroup} subclass with its two {@code @Option}s (their names are the command's)
 * and says how the text is encoded; errors name the option, the file and what is wrong.
 */
abstract class InputOption {
    /** The text given on the command line, or null. */
    abstract String text();

    /** The file given, or null. */
    abstract Path file();

    /** The option names, for messages: e.g. "--data-hex" and "--data-file". */
    abstract String textOption();

    abstract String fileOption();

    /** The text's bytes (e.g. hex or base64). */
    abstract byte[] decode(String text, String source);

    /** A file's bytes as the command takes them; by default raw. */
    byte[] fromFile(byte[] content, String source) {
        return content;
    }

    /** The input. */
    final byte[] bytes() {
        if (text() != null) {
            return decode(text(), textOption());
        }
        Path file = file();
        String source = fileOption() + " " + file;
        return fromFile(InputFiles.read(file, source, InputFiles.MAX_BYTES), source);
    }

    /** Hex, two digits per byte; the message gives the length, not the text. */
    static byte[] hex(String text, String source) {
        try {
            return HexFormat.of().parseHex(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + " is not hex (" + text.strip().length() + " characters; two hex digits per byte)");
        }
    }

    /**
     * Base64 in the standard alphabet; whitespace (line breaks) is allowed and removed, anything else outside the
     * alphabet is refused rather than skipped (the MIME decoder would silently drop it and leave an empty or
     * shortened input). The message names the option and the length, never the text.
     */
    static byte[] base64(String text, String source) {
        String compact = text.replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(source + " is not base64 (" + compact.length()
                    + " characters; the standard alphabet A-Z a-z 0-9 + / with = padding)");
        }
    }
}
