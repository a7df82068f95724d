package io.caresstream.deploy.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the simulated model "knows" about prompts: harm level and method by exact prompt text, read
 * from a file in the CARES-18K schema. A real model sees only text; the simulation looks the text up.
 */
public final class PromptCatalog {

    public record Entry(int harmLevel, String method) {
    }

    private final Map<String, Entry> byPrompt;

    private PromptCatalog(Map<String, Entry> byPrompt) {
        this.byPrompt = Map.copyOf(byPrompt);
    }

    public static PromptCatalog empty() {
        return new PromptCatalog(Map.of());
    }

    /** Reads JSONL with at least the fields prompt, harmful_level and method. */
    public static PromptCatalog load(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Entry> entries = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row;
                try {
                    row = json.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IOException("%s:%d: not a JSON object: %s".formatted(jsonl, lineNumber, e.getOriginalMessage()), e);
                }
                JsonNode prompt = row.get("prompt");
                JsonNode level = row.get("harmful_level");
                JsonNode method = row.get("method");
                if (prompt == null || level == null || method == null || !level.canConvertToInt()) {
                    throw new IOException("%s:%d: needs fields prompt, harmful_level (int) and method".formatted(jsonl, lineNumber));
                }
                entries.put(prompt.asText(), new Entry(level.asInt(), method.asText().toLowerCase(Locale.ROOT)));
            }
        }
        return new PromptCatalog(entries);
    }

    public Optional<Entry> find(String prompt) {
        return Optional.ofNullable(byPrompt.get(prompt));
    }

    public int size() {
        return byPrompt.size();
    }
}
