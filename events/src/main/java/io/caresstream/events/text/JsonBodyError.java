package io.caresstream.events.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.util.stream.Collectors;

/**
 * Why a request body was not the JSON a service expected, in one bounded line that names the field: a number out
 * of range, a word for a number, a value its record refuses ("field 'dailyUsd': spending caps must not be
 * negative"), or JSON that does not parse. Quarkus' own answer to these is a 400 with no reason.
 */
public final class JsonBodyError {

    private static final int LONGEST = 200;

    private JsonBodyError() {
    }

    public static String describe(JsonProcessingException e) {
        String reason = e instanceof ValueInstantiationException && e.getCause() != null
                ? e.getCause().getMessage() : e.getOriginalMessage();
        String field = e instanceof JsonMappingException mapping
                ? mapping.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")) : "";
        String line = String.valueOf(reason).lines().findFirst().orElse("");
        if (line.length() > LONGEST) {
            line = line.substring(0, LONGEST) + "...";
        }
        String where = !field.isEmpty() ? "field '" + field + "': "
                : e instanceof JsonMappingException ? "request body: " : "malformed JSON: ";
        return where + line;
    }
}
