package io.provhsm.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a command prints: ordered fields, as "name: value" lines for people or one JSON object with --json. A field
 * may hold a list of reports (one per mechanism): in JSON a list of objects, for people blocks after a blank line.
 */
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
            out.println(new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(jsonValue(fields)));
        } else {
            printLines(out);
        }
        out.flush();
    }

    private void printLines(PrintWriter out) {
        fields.forEach((key, value) -> {
            if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Report) {
                list.forEach(report -> {
                    out.println();
                    ((Report) report).printLines(out);
                });
            } else if (value instanceof List<?> list) {
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

    private static Object jsonValue(Object value) {
        if (value instanceof Report report) {
            return jsonValue(report.fields);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, jsonValue(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Report::jsonValue).toList();
        }
        return value;
    }
}
