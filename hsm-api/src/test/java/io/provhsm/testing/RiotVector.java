package io.provhsm.testing;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** One vectors/riot/*.txt file: key=value lines, then "----- name -----" sections holding PEM text. */
public record RiotVector(String name, Map<String, String> values, Map<String, String> sections) {

    static RiotVector parse(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sections = new LinkedHashMap<>();
        String section = null;
        StringBuilder text = new StringBuilder();
        for (String line : TestVectors.read(file).split("\n", -1)) {
            boolean header = line.startsWith("----- ") && line.endsWith(" -----");
            if (header || line.startsWith("#")) {
                if (section != null) {
                    sections.put(section, text.toString());
                }
                // "----- root_cert (note) -----" names the section root_cert
                section = header ? line.substring(6, line.length() - 6).replaceAll(" \\(.*\\)$", "") : null;
                text.setLength(0);
            } else if (section != null) {
                text.append(line).append('\n');
            } else if (line.contains("=")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        if (section != null) {
            sections.put(section, text.toString().replaceAll("\n+$", "\n"));
        }
        return new RiotVector(file.getFileName().toString(), Map.copyOf(values), Map.copyOf(sections));
    }

    /** A key=value entry as written (hex for byte values). */
    public String value(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException(name + " has no " + key);
        }
        return value;
    }

    public byte[] bytes(String key) {
        return HexFormat.of().parseHex(value(key));
    }

    /** The text under "----- key -----", up to the next section or comment. */
    public String section(String key) {
        String value = sections.get(key);
        if (value == null) {
            throw new IllegalStateException(name + " has no section " + key + "; has " + sections.keySet());
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }
}
