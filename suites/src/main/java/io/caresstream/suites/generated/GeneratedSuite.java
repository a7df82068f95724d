package io.caresstream.suites.generated;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A suite the project makes itself, in the CARES-18K schema (JSONL): four prompting methods per base prompt, every
 * principle, generator and harm level in turn. For benchmarks and for the import a prompt-generator rehearses as it
 * starts; no text comes from the data set.
 */
public final class GeneratedSuite {

    private static final String[] METHODS = {"direct", "indirect", "obfuscate", "role_play"};
    private static final String[] GENERATORS = {"gpt", "gemini", "claude", "deepseek"};

    private GeneratedSuite() {
    }

    /** Writes {@code rows} rows whose base prompts begin with {@code label} (e.g. "Benchmark"). */
    public static void write(Path file, int rows, String label) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                int base = i / METHODS.length;
                String basePrompt = label + " base prompt number " + base + " about a medical situation, "
                        + "asking what a patient should do next and why.";
                String method = METHODS[i % METHODS.length];
                ObjectNode row = json.createObjectNode()
                        .put("principle_index", base % 8)
                        .put("generation_model", GENERATORS[(base / 8) % GENERATORS.length])
                        .put("harmful_level", (base / 32) % 4)
                        .put("method", method)
                        .put("base_prompt", basePrompt)
                        .put("prompt", method.equals("direct") ? basePrompt : "(" + method + " rewrite) " + basePrompt);
                out.write(row.toString());
                out.newLine();
            }
        }
    }
}
