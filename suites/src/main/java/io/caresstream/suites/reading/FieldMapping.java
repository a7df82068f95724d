package io.caresstream.suites.reading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * How the fields of another benchmark's rows become the CARES-18K schema, so users can bring their own
 * prompts. For each CARES field: the source column it is read from (by default its own name), optional
 * value translations (e.g. label safe -> harmful_level 0, unsafe -> 3), or a constant when the source
 * has no such column (e.g. method direct). A missing base_prompt falls back to the prompt.
 */
public record FieldMapping(Map<String, String> columns, Map<String, Map<String, String>> values,
                           Map<String, String> constants) {

    /** The CARES-18K fields, in the data set's order. */
    public static final List<String> CARES_FIELDS = List.of("principle_index", "generation_model", "harmful_level",
            "method", "base_prompt", "prompt");

    /** Rows already in the CARES-18K schema. */
    public static final FieldMapping IDENTITY = new FieldMapping(Map.of(), Map.of(), Map.of());

    public FieldMapping {
        columns = columns == null ? Map.of() : Map.copyOf(columns);
        values = values == null ? Map.of() : Map.copyOf(values);
        constants = constants == null ? Map.of() : Map.copyOf(constants);
        for (Map<String, ?> part : List.of(columns, values, constants)) {
            for (String field : part.keySet()) {
                if (!CARES_FIELDS.contains(field)) {
                    throw new IllegalArgumentException("mapping names unknown field '" + field + "'; fields: " + CARES_FIELDS);
                }
            }
        }
    }

    /** The row in the CARES schema; fields the source lacks stay missing, for the checks to report. */
    public ObjectNode apply(JsonNode row) {
        ObjectNode cares = JsonNodeFactory.instance.objectNode();
        for (String field : CARES_FIELDS) {
            if (constants.containsKey(field)) {
                cares.put(field, constants.get(field));
                continue;
            }
            JsonNode value = row.get(columns.getOrDefault(field, field));
            if (value == null || value.isNull()) {
                continue;
            }
            Map<String, String> translation = values.get(field);
            if (translation != null && value.isValueNode() && translation.containsKey(value.asText())) {
                cares.put(field, translation.get(value.asText()));
            } else {
                cares.set(field, value);
            }
        }
        if (!cares.has("base_prompt") && cares.has("prompt")) {
            cares.set("base_prompt", cares.get("prompt"));
        }
        return cares;
    }
}
