package io.caresstream.suites.reading;

import io.caresstream.events.text.ClientText;
import io.caresstream.events.text.ErrorList;
import io.caresstream.events.text.TextLines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.suites.reading.PromptIds;
import io.caresstream.suites.reading.RowError;
import io.caresstream.suites.reading.SuiteSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads prompts from JSON Lines or CSV, maps them to the CARES-18K schema and checks every record,
 * naming the file, line and field of each problem. Reading is separate from publishing, so a bad file
 * publishes nothing.
 */
public final class SuiteReader {

    /** The file formats read. */
    public enum Format {
        JSONL, CSV, PARQUET;

        /** By file extension: .csv is CSV, .parquet Parquet, anything else JSON Lines. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            return name.endsWith(".csv") ? CSV : name.endsWith(".parquet") ? PARQUET : JSONL;
        }
    }

    /** The valid prompts and the errors of the invalid rows. */
    /**
     * What a read found: the valid prompts, the errors (at most {@link ErrorList#MAX_LISTED} listed), how many
     * errors there were in all, and the rows read.
     */
    public record Result(List<PromptEvent> prompts, List<RowError> errors, long errorCount, long rowsRead) {

        public Result(List<PromptEvent> prompts, ErrorList<RowError> errors, long rowsRead) {
            this(prompts, errors, errors.count(), rowsRead);
        }
    }

    /**
     * The longest row read: a prompt row is a few kilobytes at most, and a longer one (a file that is not a
     * suite, one 2 GB line) is refused as it streams past instead of being held in memory.
     */
    public static final int MAX_ROW_BYTES = TextLines.MAX_LINE_BYTES;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a file in the CARES-18K schema, in the format its extension names. */
    public Result read(Path file, SuiteSource source) throws IOException {
        return read(file, Format.of(file), FieldMapping.IDENTITY, source);
    }

    public Result read(Path file, Format format, FieldMapping mapping, SuiteSource source) throws IOException {
        return read(file, file.toString(), format, mapping, source);
    }

    /** Reads a file that errors name as {@code name} (an upload by the name its sender gave it, say). */
    public Result read(Path file, String name, Format format, FieldMapping mapping, SuiteSource source) throws IOException {
        if (format == Format.PARQUET) {
            return readParquet(file, name, mapping, source);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name, format, mapping, source);
        }
    }

    /**
     * Reads JSON Lines or CSV from a stream as it arrives (an upload while it is still being sent), named
     * {@code name} in errors. Parquet keeps its index at the end of the file, so it is read from a file only.
     */
    public Result read(InputStream in, String name, Format format, FieldMapping mapping, SuiteSource source) throws IOException {
        return switch (format) {
            case CSV -> readCsv(in, name, mapping, source);
            case JSONL -> readJsonl(in, name, mapping, source);
            case PARQUET -> throw new IllegalArgumentException(name + ": Parquet is read from a file, not a stream");
        };
    }

    /**
     * Reads a Parquet file; sourceName names it in errors (a hub file is named by its hub address). Errors
     * give the row number where text formats give the line. A file that is not readable Parquet at all
     * (e.g. truncated: its footer is at the end) is one error naming the file.
     */
    public Result readParquet(Path file, String sourceName, FieldMapping mapping, SuiteSource source) {
        try {
            return read(sourceName, ParquetRows.read(file), mapping, source);
        } catch (ParquetRows.UnreadableParquetException e) {
            ErrorList<RowError> errors = new ErrorList<>();
            errors.add(new RowError(sourceName, 0, null, e.getMessage()));
            return new Result(List.of(), errors, 0);
        }
    }

    private Result readCsv(InputStream in, String name, FieldMapping mapping, SuiteSource source) throws IOException {
        List<PromptEvent> prompts = new ArrayList<>();
        ErrorList<RowError> errors = new ErrorList<>();
        long rows = 0;
        CsvMapper csv = CsvMapper.builder(com.fasterxml.jackson.dataformat.csv.CsvFactory.builder()
                        .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                                .maxStringLength(MAX_ROW_BYTES).build()).build())
                .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (var reader = new java.io.InputStreamReader(in, decoder);
             MappingIterator<Map<String, String>> records = csv.readerForMapOf(String.class).with(header).readValues(reader)) {
            while (true) {
                Map<String, String> record;
                long line;
                try {
                    if (!records.hasNextValue()) {
                        break;
                    }
                    // Positioned at the record's start: the line where it begins, even if a quoted field spans lines.
                    line = records.getCurrentLocation().getLineNr();
                    record = records.nextValue();
                } catch (CharacterCodingException e) {
                    errors.add(new RowError(name, records.getCurrentLocation().getLineNr(), null,
                            "not valid UTF-8; reading stopped here"));
                    rows++;
                    break;
                } catch (RuntimeException | IOException e) {
                    // A malformed CSV record (e.g. an unclosed quote at the end), or a field longer than any
                    // prompt: the parser cannot go on.
                    String problem = String.valueOf(e.getMessage()).contains("exceeds the maximum")
                            ? "a field is longer than " + (MAX_ROW_BYTES >> 20) + " MiB; reading stopped here"
                            : "malformed CSV: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    errors.add(new RowError(name, records.getCurrentLocation().getLineNr(), null, problem));
                    rows++;
                    break;
                }
                rows++;
                ObjectNode row = JSON.createObjectNode();
                record.forEach(row::put);
                toEvent(name, line, mapping.apply(row), source, errors).ifPresent(prompts::add);
            }
        }
        return new Result(prompts, errors, rows);
    }

    /**
     * One row of a data set read by rows (Parquet, the dataset viewer): its 1-based number, its fields,
     * and fields that could not be read whole, with the reason (the viewer truncates very long cells).
     */
    public record NumberedRow(long number, JsonNode fields, Map<String, String> fieldProblems) {
    }

    /** Checks numbered rows; errors name the source and the row number as file and line. */
    public Result read(String sourceName, List<NumberedRow> rows, FieldMapping mapping, SuiteSource source) {
        List<PromptEvent> prompts = new ArrayList<>();
        ErrorList<RowError> errors = new ErrorList<>();
        for (NumberedRow row : rows) {
            if (row.fields() == null || !row.fields().isObject()) {
                errors.add(new RowError(sourceName, row.number(), null, "not an object"));
                continue;
            }
            if (!row.fieldProblems().isEmpty()) {
                // A cut prompt would be evaluated as if it were whole: refuse it rather than lose its end.
                row.fieldProblems().forEach((field, problem) ->
                        errors.add(new RowError(sourceName, row.number(), field, problem)));
                continue;
            }
            toEvent(sourceName, row.number(), mapping.apply(row.fields()), source, errors).ifPresent(prompts::add);
        }
        return new Result(prompts, errors, rows.size());
    }

    private Result readJsonl(InputStream in, String name, FieldMapping mapping, SuiteSource source) throws IOException {
        List<PromptEvent> prompts = new ArrayList<>();
        ErrorList<RowError> errors = new ErrorList<>();
        long[] rows = {0};
        TextLines.read(in, new TextLines.Visitor() {
            @Override
            public void line(long line, String text) {
                if (text.isBlank()) {
                    return;
                }
                rows[0]++;
                parseObject(name, line, text, errors)
                        .flatMap(row -> toEvent(name, line, mapping.apply(row), source, errors))
                        .ifPresent(prompts::add);
            }

            @Override
            public void last(long line, String text) {
                if (text.isBlank() || text.stripTrailing().endsWith("}")) {
                    line(line, text);
                } else {
                    rows[0]++;
                    errors.add(new RowError(name, line, null, "truncated record at end of file"));
                }
            }

            @Override
            public void tooLong(long line, long bytes) {
                rows[0]++;
                errors.add(new RowError(name, line, null, TextLines.tooLongMessage(bytes)));
            }

            @Override
            public void notUtf8(long line) {
                rows[0]++;
                errors.add(new RowError(name, line, null, "not valid UTF-8"));
            }
        });
        return new Result(prompts, errors, rows[0]);
    }

    private static Optional<JsonNode> parseObject(String file, long line, String text, List<RowError> errors) {
        try {
            JsonNode row = JSON.readTree(text);
            if (row.isObject()) {
                return Optional.of(row);
            }
            errors.add(new RowError(file, line, null, "not a JSON object"));
        } catch (JsonProcessingException e) {
            errors.add(new RowError(file, line, null, "not a JSON object (" + ClientText.excerpt(e.getOriginalMessage()) + ")"));
        }
        return Optional.empty();
    }

    /** Builds the event when the row (in the CARES schema) is valid; otherwise adds every problem found to errors. */
    private Optional<PromptEvent> toEvent(String file, long line, JsonNode row, SuiteSource source, List<RowError> found) {
        // This row's errors on their own: the list of the read keeps only the first ones.
        List<RowError> errors = new ArrayList<>();
        Optional<Principle> principle = integer(row, "principle_index", file, line, errors)
                .flatMap(i -> check(CaresCodes.principle(i), file, line, "principle_index", "must be 0..7, got " + i, errors));
        Optional<HarmLevel> level = integer(row, "harmful_level", file, line, errors)
                .flatMap(i -> check(CaresCodes.harmLevel(i), file, line, "harmful_level", "must be 0..3, got " + i, errors));
        Optional<String> methodCode = string(row, "method", file, line, errors);
        Optional<Method> method = methodCode.flatMap(m -> check(CaresCodes.method(m), file, line, "method",
                "unknown method '" + ClientText.excerpt(m) + "' (direct, indirect, obfuscate, role_play)", errors));
        Optional<String> generator = string(row, "generation_model", file, line, errors);
        Optional<String> basePrompt = string(row, "base_prompt", file, line, errors);
        Optional<String> prompt = string(row, "prompt", file, line, errors);
        if (!errors.isEmpty()) {
            found.addAll(errors);
            return Optional.empty();
        }
        PromptMetadata metadata = PromptMetadata.newBuilder()
                .setSuite(source.suite())
                .setPrinciple(principle.orElseThrow())
                .setHarmLevel(level.orElseThrow())
                .setMethod(method.orElseThrow())
                .setGenerator(generator.orElseThrow())
                .setBasePromptId(PromptIds.basePromptId(source, basePrompt.orElseThrow()))
                .setDataset(DatasetProvenance.newBuilder()
                        .setDataset(source.dataset())
                        .setRevision(source.revision())
                        .setSplit(source.split())
                        .setSource(file)
                        .build())
                .build();
        String promptId = PromptIds.promptId(source, principle.orElseThrow().ordinal(), level.orElseThrow().ordinal(),
                CaresCodes.code(method.orElseThrow()), generator.orElseThrow(), prompt.orElseThrow());
        return Optional.of(PromptEvent.newBuilder()
                .setPromptId(promptId)
                .setMetadata(metadata)
                .setBasePrompt(basePrompt.orElseThrow())
                .setPrompt(prompt.orElseThrow())
                .setCreatedAt(Instant.now())
                .build());
    }

    private static Optional<Integer> integer(JsonNode row, String field, String file, long line, List<RowError> errors) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            errors.add(new RowError(file, line, field, "missing"));
            return Optional.empty();
        }
        if (value.isIntegralNumber()) {
            return Optional.of(value.asInt());
        }
        // CSV has no types: a text of digits is an integer there.
        if (value.isTextual() && value.asText().trim().matches("-?\\d{1,9}")) {
            return Optional.of(Integer.parseInt(value.asText().trim()));
        }
        errors.add(new RowError(file, line, field, "must be an integer, got " + ClientText.excerpt(value.toString())));
        return Optional.empty();
    }

    private static Optional<String> string(JsonNode row, String field, String file, long line, List<RowError> errors) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            errors.add(new RowError(file, line, field, "missing"));
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            errors.add(new RowError(file, line, field, "must be a non-empty string"));
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    private static <T> Optional<T> check(Optional<T> value, String file, long line, String field, String message,
                                         List<RowError> errors) {
        if (value.isEmpty()) {
            errors.add(new RowError(file, line, field, message));
        }
        return value;
    }
}
