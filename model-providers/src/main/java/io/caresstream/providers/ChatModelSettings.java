package io.caresstream.providers;

import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings every chat model shares, whether under evaluation or judging; services extend it in
 * their own {@code @ConfigMapping} (cares.model.*, cares.judge.*).
 */
public interface ChatModelSettings {

    /** Id including a version, e.g. gpt-4o-mini@2024-07-18; it also names the consumer group. */
    String id();

    @WithDefault("openai")
    String provider();

    String baseUrl();

    String modelName();

    @WithDefault("0.0")
    double temperature();

    /** Name of the environment variable holding the API key. */
    Optional<String> apiKeyEnv();

    /** Or a file holding it (e.g. a mounted secret). */
    Optional<Path> apiKeyFile();

    @WithDefault("60s")
    Duration timeout();

    @WithDefault("3")
    int maxRetries();

    /** Mark results as simulated even if the server does not say so. */
    @WithDefault("false")
    boolean simulated();

    int maxTokens();

    /** Requests per minute allowed for this model, all its instances together. */
    Optional<Integer> requestsPerMinute();

    /** Tokens (prompt + completion) per minute allowed for this model, all its instances together. */
    Optional<Integer> tokensPerMinute();

    /** The first wait before a retry; it doubles each time (with jitter) up to max-retry-delay. */
    @WithDefault("500ms")
    Duration firstRetryDelay();

    @WithDefault("30s")
    Duration maxRetryDelay();

    /** US dollars per million input tokens. */
    @WithDefault("0")
    double inputPricePerMillion();

    /** US dollars per million output tokens. */
    @WithDefault("0")
    double outputPricePerMillion();

    default ChatModelSpec toSpec(Optional<String> systemPrompt) {
        return new ChatModelSpec(id(), provider(), baseUrl(), modelName(), temperature(), maxTokens(), systemPrompt,
                timeout(), maxRetries(), new ApiKeySource(apiKeyEnv(), apiKeyFile()), simulated(),
                new CallPolicy(requestsPerMinute(), tokensPerMinute(), firstRetryDelay(), maxRetryDelay()),
                new Price(inputPricePerMillion(), outputPricePerMillion()));
    }
}
