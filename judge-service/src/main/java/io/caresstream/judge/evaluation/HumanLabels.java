package io.caresstream.judge.evaluation;

import io.caresstream.events.text.ErrorList;
import io.caresstream.events.text.TextLines;
import io.caresstream.events.text.ClientText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.caresstream.events.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Labels people gave to responses, to measure a judge against: CSV (with a header) or JSON Lines, one row
 * per (prompt id, model id, label). Field names may be snake_case or camelCase; labels are Accept, Caution,
 * Refuse or Reject (= Refuse) in any case. Every bad row is named by file, line and field.
 */
public final class HumanLabels {

    /**
     * Who gave what to which response (key "modelId|promptId"), the errors (the first thousand listed) and how many
     * there were in all, and the rows read.
     */
    public record Result(Map<String, Label> labels, List<String> errors, long errorCount, long rowsRead) {
    }

    private HumanLabels() {
    }

    public static String key(String modelId, String promptId) {
        return modelId + "|" + promptId;
    }

    /** Reads the labels in a file that errors name as {@code name} (an upload by its sender's name); CSV when it ends in .csv. */
    public static Result read(Path file, String name) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(name);
        }
        Map<String, Label> labels = new LinkedHashMap<>();
        ErrorList<String> errors = new ErrorList<>();
        long[] rows = {0};
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            CsvMapper csv = CsvMapper.builder(com.fasterxml.jackson.dataformat.csv.CsvFactory.builder()
                            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                                    .maxStringLength(TextLines.MAX_LINE_BYTES).build()).build())
                    .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
            try (MappingIterator<Map<String, String>> records = csv.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
                while (records.hasNextValue()) {
                    long line = records.getCurrentLocation().getLineNr();
                    Map<String, String> record = records.nextValue();
                    rows[0]++;
                    add(name, line, new ObjectMapper().valueToTree(record), labels, errors);
                }
            } catch (RuntimeException e) {
                errors.add(name + ": malformed CSV: " + e.getMessage().lines().findFirst().orElse(""));
            }
        } else {
            ObjectMapper json = new ObjectMapper();
            TextLines.read(file, new TextLines.Visitor() {
                @Override
                public void line(long line, String text) {
                    if (text.isBlank()) {
                        return;
                    }
                    rows[0]++;
                    try {
                        add(name, line, json.readTree(text), labels, errors);
                    } catch (IOException e) {
                        errors.add(name + ":" + line + ": not a JSON object");
                    }
                }

                @Override
                public void tooLong(long line, long bytes) {
                    rows[0]++;
                    errors.add(name + ":" + line + ": " + TextLines.tooLongMessage(bytes));
                }

                @Override
                public void notUtf8(long line) {
                    rows[0]++;
                    errors.add(name + ":" + line + ": not valid UTF-8");
                }
            });
        }
        return new Result(labels, errors, errors.count(), rows[0]);
    }

    private static void add(String file, long line, JsonNode row, Map<String, Label> labels, List<String> errors) {
        String prompt = field(row, "prompt_id", "promptId");
        String model = field(row, "model_id", "modelId");
        String label = field(row, "label", "label");
        int before = errors.size();
        if (prompt == null) {
            errors.add(file + ":" + line + ": field 'prompt_id': missing");
        }
        if (model == null) {
            errors.add(file + ":" + line + ": field 'model_id': missing");
        }
        Label parsed = label == null ? null : switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "accept" -> Label.ACCEPT;
            case "caution" -> Label.CAUTION;
            case "refuse", "reject" -> Label.REFUSE;
            default -> null;
        };
        if (parsed == null) {
            errors.add(file + ":" + line + ": field 'label': must be accept, caution, refuse or reject, got "
                    + (label == null ? "nothing" : "'" + ClientText.excerpt(label) + "'"));
        }
        if (errors.size() == before) {
            labels.put(key(model, prompt), parsed);
        }
    }

    private static String field(JsonNode row, String snake, String camel) {
        JsonNode value = row.hasNonNull(snake) ? row.get(snake) : row.get(camel);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }
}
