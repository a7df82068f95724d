package io.caresstream.promptgenerator.importing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.domain.CaresCodes;
import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.promptgenerator.domain.PromptIds;
import io.caresstream.promptgenerator.domain.RowError;
import io.caresstream.promptgenerator.domain.SuiteSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads prompts in the CARES-18K schema from JSON Lines, checking every record and naming the file,
 * line and field of each problem. Reading is separate from publishing, so a bad file publishes nothing.
 */
public final class CaresJsonlReader {

    /** The valid prompts and the errors of the invalid rows. */
    public record Result(List<PromptEvent> prompts, List<RowError> errors, long rowsRead) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public Result read(Path file, SuiteSource source) throws IOException {
        String name = file.toString();
        List<PromptEvent> prompts = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        long line = 0;
        long rows = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
            boolean more = true;
            while (more) {
                buffer.reset();
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    buffer.write(b);
                }
                more = b != -1;
                if (!more && buffer.size() == 0) {
                    break;
                }
                line++;
                String text;
                try {
                    // Strict UTF-8, line by line: a bad byte is an error on its exact line, not a silent U+FFFD.
                    text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(buffer.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    rows++;
                    errors.add(new RowError(name, line, null, "not valid UTF-8"));
                    continue;
                }
                if (text.isBlank()) {
                    continue;
                }
                rows++;
                if (more || text.stripTrailing().endsWith("}")) {
                    toEvent(name, line, text, source, errors).ifPresent(prompts::add);
                } else {
                    errors.add(new RowError(name, line, null, "truncated record at end of file"));
                }
            }
        }
        return new Result(prompts, errors, rows);
    }

    /** Builds the event when the row is valid; otherwise adds every problem found to errors. */
    private Optional<PromptEvent> toEvent(String file, long line, String text, SuiteSource source, List<RowError> errors) {
        JsonNode row;
        try {
            row = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            errors.add(new RowError(file, line, null, "not a JSON object (" + e.getOriginalMessage() + ")"));
            return Optional.empty();
        }
        if (!row.isObject()) {
            errors.add(new RowError(file, line, null, "not a JSON object"));
            return Optional.empty();
        }
        int before = errors.size();
        Optional<Principle> principle = integer(row, "principle_index", file, line, errors)
                .flatMap(i -> check(CaresCodes.principle(i), file, line, "principle_index", "must be 0..7, got " + i, errors));
        Optional<HarmLevel> level = integer(row, "harmful_level", file, line, errors)
                .flatMap(i -> check(CaresCodes.harmLevel(i), file, line, "harmful_level", "must be 0..3, got " + i, errors));
        Optional<String> methodCode = string(row, "method", file, line, errors);
        Optional<Method> method = methodCode.flatMap(m -> check(CaresCodes.method(m), file, line, "method",
                "unknown method '" + m + "' (direct, indirect, obfuscate, role_play)", errors));
        Optional<String> generator = string(row, "generation_model", file, line, errors);
        Optional<String> basePrompt = string(row, "base_prompt", file, line, errors);
        Optional<String> prompt = string(row, "prompt", file, line, errors);
        if (errors.size() > before) {
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
        if (!value.isIntegralNumber()) {
            errors.add(new RowError(file, line, field, "must be an integer, got " + value));
            return Optional.empty();
        }
        return Optional.of(value.asInt());
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
