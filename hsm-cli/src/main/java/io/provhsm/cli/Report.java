package io.provhsm.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a command prints: ordered fields, as "name: value" lines for people or one JSON object with --json. */
final class Report {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Report put(String key, Object value) {
        if (value != null) {
            fields.put(key, value);
        }
        return this;
    }

    void print(PrintWriter out, boolean json) {
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(fields));
        } else {
            fields.forEach((key, value) -> {
                if (value instanceof List<?> list) {
                    out.println(key + ":");
                    list.forEach(item -> out.print(item.toString().endsWith("\n") ? item : item + "\n"));
                } else if (value.toString().contains("\n")) {
                    out.println(key + ":");
                    out.print(value.toString().endsWith("\n") ? value : value + "\n");
                } else {
                    out.println(key + ": " + value);
                }
            });
        }
        out.flush();
    }
}
