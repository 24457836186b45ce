package io.provhsm.dice.riot;

import io.provhsm.dice.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One vectors/riot/*.txt file: key=value lines, then "----- name -----" sections holding PEM text. */
record RiotVector(String name, Map<String, String> values, Map<String, String> sections) {

    static List<RiotVector> all() {
        try (Stream<Path> files = Files.list(Vectors.dir("riot"))) {
            return files.filter(p -> p.toString().endsWith(".txt")).sorted().map(RiotVector::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RiotVector parse(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sections = new LinkedHashMap<>();
        String section = null;
        StringBuilder text = new StringBuilder();
        for (String line : Vectors.read(file).split("\n", -1)) {
            boolean header = line.startsWith("----- ") && line.endsWith(" -----");
            if (header || line.startsWith("#")) {
                if (section != null) {
                    sections.put(section, text.toString());
                }
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
        return new RiotVector(file.getFileName().toString(), values, sections);
    }

    byte[] bytes(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException(name + " has no " + key);
        }
        return HexFormat.of().parseHex(value);
    }

    String section(String key) {
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
