package io.provhsm.dice;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The vector file's {@code inputs} object as the field map LayerRequest takes. */
final class DiceLayerInputsJson {
    private DiceLayerInputsJson() {
    }

    static Map<String, String> fields(JsonObject inputs) {
        Map<String, String> fields = new LinkedHashMap<>();
        inputs.entrySet().forEach(e -> fields.put(e.getKey(), e.getValue().getAsString()));
        return fields;
    }

    static DiceInputs parse(JsonObject inputs) {
        return LayerRequest.fromFields(fields(inputs)).inputs();
    }
}
