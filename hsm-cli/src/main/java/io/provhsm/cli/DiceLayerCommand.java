package io.provhsm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.provhsm.InvalidInputException;
import io.provhsm.dice.LayerRequest;
import io.provhsm.dice.OpenDice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One Open Profile for DICE layer (P-256) on the inputs of a test-vector file. */
@Command(name = "layer", description = {
    "Runs one Open Profile for DICE layer (P-256) and prints JSON with cdi_attest, cdi_seal and x509_p256_cert_der (hex).",
    "FILE holds the 'inputs' object of the open-dice vector format (or a whole vector file): current_cdi_attest,"
        + " current_cdi_seal, code_hash, code_descriptor, config_type (inline|descriptor), config_value,"
        + " config_descriptor, authority_hash, authority_descriptor, mode, hidden."})
final class DiceLayerCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON file with the layer inputs")
    Path input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LayerRequest request = LayerRequest.fromFields(fields(read(input)));
        OpenDice.LayerOutput output;
        try {
            output = request.run();
        } finally {
            request.wipe();
        }
        HexFormat hex = HexFormat.of();
        Report report = new Report()
                .put("cdi_attest", hex.formatHex(output.cdiAttest()))
                .put("cdi_seal", hex.formatHex(output.cdiSeal()))
                .put("x509_p256_cert_der", hex.formatHex(output.certificateDer()));
        Arrays.fill(output.cdiAttest(), (byte) 0);
        Arrays.fill(output.cdiSeal(), (byte) 0);
        report.print(spec.commandLine().getOut(), true);
        return ExitCode.OK;
    }

    private static JsonObject read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--input " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException("--input " + file + " cannot be read: " + e.getMessage());
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) {
                throw new InvalidInputException("--input " + file + " is not a JSON object");
            }
            JsonObject object = root.getAsJsonObject();
            // a whole vector file ({"inputs": ..., "expected": ...}) or the inputs object alone
            return object.has("inputs") && object.get("inputs").isJsonObject() ? object.getAsJsonObject("inputs") : object;
        } catch (JsonParseException e) {
            throw new InvalidInputException("--input " + file + " is not valid JSON: " + e.getMessage());
        }
    }

    private static Map<String, String> fields(JsonObject inputs) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : inputs.entrySet()) {
            if (!e.getValue().isJsonPrimitive()) {
                throw new InvalidInputException("DICE input field " + e.getKey() + " must be a string or number");
            }
            fields.put(e.getKey(), e.getValue().getAsString());
        }
        return fields;
    }
}
