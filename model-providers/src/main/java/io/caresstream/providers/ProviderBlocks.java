package io.caresstream.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a provider's safety block in its raw answer, before the SDK maps it: the SDKs keep no reason
 * (LangChain4j folds Gemini's SAFETY and RECITATION into one finish reason and Anthropic's refusal into OTHER)
 * and fail on a Gemini answer without candidates. Each provider's signal:
 * <ul>
 *   <li>OpenAI-compatible: {@code finish_reason: content_filter}, or an HTTP 400 whose error code is
 *   {@code content_filter} (Azure OpenAI's filter on the prompt);</li>
 *   <li>Anthropic: {@code stop_reason: refusal};</li>
 *   <li>Gemini: {@code promptFeedback.blockReason} (the prompt was blocked, no candidates), or a candidate's
 *   {@code finishReason} of SAFETY, PROHIBITED_CONTENT, BLOCKLIST or SPII (RECITATION and LANGUAGE are not
 *   safety refusals, and stay what they were).</li>
 * </ul>
 * A body is parsed only when it contains the signal's text, so an ordinary answer costs a substring search.
 */
final class ProviderBlocks {

    /** What the provider blocked, in its own words, the tokens it reported, and whether the simulated server said it. */
    record Block(String reason, int inputTokens, int outputTokens, boolean simulated) {
        Block(String reason, int inputTokens, int outputTokens) {
            this(reason, inputTokens, outputTokens, false);
        }

        Block from(JsonNode answer) {
            boolean simulatedServer = java.util.stream.Stream.of("id", "responseId", "system_fingerprint")
                    .anyMatch(field -> answer.path(field).asText("").startsWith(ChatClients.SIMULATED_FINGERPRINT));
            return new Block(reason, inputTokens, outputTokens, simulatedServer);
        }
    }

    /** Thrown from the HTTP client, under the SDK, and turned into {@link BlockedByProvider} by the client. */
    static final class BlockedAnswer extends RuntimeException {
        private final Block block;

        BlockedAnswer(Block block) {
            super(block.reason(), null, false, false);
            this.block = block;
        }

        Block block() {
            return block;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> GEMINI_SAFETY_FINISH = Set.of("SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT");

    private ProviderBlocks() {
    }

    /** A successful (2xx) answer that is a block. */
    static Optional<Block> inAnswer(String provider, String body) {
        if (body == null) {
            return Optional.empty();
        }
        return switch (provider.toLowerCase(Locale.ROOT)) {
            case "openai" -> body.contains("content_filter\"") ? parse(body).flatMap(json -> openAiAnswer(json)
                    .map(block -> block.from(json))) : Optional.empty();
            case "anthropic" -> body.contains("\"refusal\"") ? parse(body).flatMap(json -> anthropicAnswer(json)
                    .map(block -> block.from(json))) : Optional.empty();
            case "gemini" -> body.contains("blockReason") || GEMINI_SAFETY_FINISH.stream().anyMatch(r -> body.contains(r + '"'))
                    ? parse(body).flatMap(json -> geminiAnswer(json).map(block -> block.from(json))) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** An error answer that is a block: an HTTP 400 content filter (OpenAI-compatible endpoints). */
    static Optional<Block> inError(String provider, int status, String body) {
        if (status != 400 || body == null || !body.contains("content_filter") && !body.contains("ResponsibleAIPolicyViolation")) {
            return Optional.empty();
        }
        return parse(body).flatMap(json -> {
            JsonNode error = json.path("error");
            String code = error.path("code").asText("");
            String inner = error.path("innererror").path("code").asText("");
            if (!code.equals("content_filter") && !inner.equals("ResponsibleAIPolicyViolation")) {
                return Optional.empty();
            }
            return Optional.of(new Block(provider.toLowerCase(Locale.ROOT) + ": HTTP 400 content_filter"
                    + filtered(error.path("innererror").path("content_filter_result")), 0, 0));
        });
    }

    private static Optional<Block> openAiAnswer(JsonNode json) {
        JsonNode choice = json.path("choices").path(0);
        if (!"content_filter".equals(choice.path("finish_reason").asText())) {
            return Optional.empty();
        }
        JsonNode usage = json.path("usage");
        return Optional.of(new Block("openai: finish_reason content_filter" + filtered(choice.path("content_filter_results")),
                usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)));
    }

    private static Optional<Block> anthropicAnswer(JsonNode json) {
        if (!"refusal".equals(json.path("stop_reason").asText())) {
            return Optional.empty();
        }
        JsonNode usage = json.path("usage");
        return Optional.of(new Block("anthropic: stop_reason refusal", usage.path("input_tokens").asInt(0),
                usage.path("output_tokens").asInt(0)));
    }

    private static Optional<Block> geminiAnswer(JsonNode json) {
        JsonNode usage = json.path("usageMetadata");
        int input = usage.path("promptTokenCount").asInt(0);
        int output = usage.path("candidatesTokenCount").asInt(0);
        JsonNode candidate = json.path("candidates").path(0);
        String promptBlock = json.path("promptFeedback").path("blockReason").asText("");
        if (!promptBlock.isEmpty() && candidate.isMissingNode()) {
            return Optional.of(new Block("gemini: prompt blocked, blockReason " + promptBlock
                    + blockedCategories(json.path("promptFeedback").path("safetyRatings")), input, output));
        }
        String finish = candidate.path("finishReason").asText("");
        if (GEMINI_SAFETY_FINISH.contains(finish)) {
            return Optional.of(new Block("gemini: finishReason " + finish
                    + blockedCategories(candidate.path("safetyRatings")), input, output));
        }
        return Optional.empty();
    }

    /** Azure's filter results: the categories marked filtered, e.g. " (self_harm, violence)". */
    private static String filtered(JsonNode results) {
        List<String> categories = new ArrayList<>();
        results.fields().forEachRemaining(entry -> {
            if (entry.getValue().path("filtered").asBoolean(false)) {
                categories.add(entry.getKey());
            }
        });
        return categories.isEmpty() ? "" : " (" + String.join(", ", categories) + ")";
    }

    /** Gemini's safety ratings: the categories marked blocked, e.g. " (HARM_CATEGORY_DANGEROUS_CONTENT)". */
    private static String blockedCategories(JsonNode ratings) {
        List<String> categories = new ArrayList<>();
        ratings.forEach(rating -> {
            if (rating.path("blocked").asBoolean(false)) {
                categories.add(rating.path("category").asText());
            }
        });
        return categories.isEmpty() ? "" : " (" + String.join(", ", categories) + ")";
    }

    private static Optional<JsonNode> parse(String body) {
        try {
            return Optional.of(JSON.readTree(body));
        } catch (JsonProcessingException e) {
            // Not JSON: the SDK reports it as the malformed answer it is.
            return Optional.empty();
        }
    }
}
