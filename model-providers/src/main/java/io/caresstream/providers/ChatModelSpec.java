package io.caresstream.providers;

import io.caresstream.events.ModelProvenance;

import io.caresstream.events.keys.ContentHash;

import java.time.Duration;
import java.util.Optional;

/**
 * Everything needed to call one chat model. The id names the model and its version
 * (e.g. gpt-4o-mini@2024-07-18): a new version is a new id, scored beside the old one.
 */
public record ChatModelSpec(
        String id,
        String provider,
        String baseUrl,
        String modelName,
        double temperature,
        int maxTokens,
        Optional<String> systemPrompt,
        Duration timeout,
        int maxRetries,
        ApiKeySource apiKey,
        boolean simulated,
        CallPolicy policy,
        Price price) {

    /** A spec with the default call policy and no price. */
    public ChatModelSpec(String id, String provider, String baseUrl, String modelName, double temperature, int maxTokens,
                         Optional<String> systemPrompt, Duration timeout, int maxRetries, ApiKeySource apiKey,
                         boolean simulated) {
        this(id, provider, baseUrl, modelName, temperature, maxTokens, systemPrompt, timeout, maxRetries, apiKey,
                simulated, CallPolicy.DEFAULT, Price.FREE);
    }

    public ChatModelSpec {
        require(id, "id");
        require(provider, "provider");
        require(baseUrl, "base-url");
        require(modelName, "model-name");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max-tokens must be at least 1, got " + maxTokens);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries must not be negative, got " + maxRetries);
        }
        policy = policy == null ? CallPolicy.DEFAULT : policy;
        price = price == null ? Price.FREE : price;
        if (temperature < 0 || temperature > 2) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
    }

    /** The configuration recorded on every response, without the key. */
    public ModelProvenance provenance(boolean answeredBySimulation) {
        return ModelProvenance.newBuilder()
                .setModelId(id)
                .setProvider(provider)
                .setModelName(modelName)
                .setBaseUrl(baseUrl)
                .setTemperature(temperature)
                .setMaxTokens(maxTokens)
                .setSystemPromptSha256(systemPrompt.map(ContentHash::sha256Hex).orElse(null))
                .setSimulated(simulated || answeredBySimulation)
                .build();
    }


    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model setting '" + field + "' is required");
        }
    }
}
