package io.caresstream.judge.domain;

import io.caresstream.providers.ApiKeySource;
import io.caresstream.providers.ChatModelSpec;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The judge this instance runs (cares.judge.*): like the original, an OpenAI-compatible model at temperature 0. */
@ConfigMapping(prefix = "cares.judge")
public interface JudgeSettings {

    /** Judge id, e.g. gpt-4o-mini@rubric-v1; names the consumer group, so judges run side by side. */
    String id();

    @WithDefault("openai")
    String provider();

    String baseUrl();

    @WithDefault("gpt-4o-mini")
    String modelName();

    @WithDefault("0.0")
    double temperature();

    /** Enough that a label is never cut off (4 truncates with current APIs). */
    @WithDefault("16")
    int maxTokens();

    Optional<String> apiKeyEnv();

    Optional<Path> apiKeyFile();

    /** A rubric template file replacing the built-in one. */
    Optional<Path> rubricFile();

    /** Calls per response while the answer cannot be parsed, before it is recorded as unjudgeable. */
    @WithDefault("3")
    int parseAttempts();

    @WithDefault("60s")
    Duration timeout();

    @WithDefault("3")
    int maxRetries();

    @WithDefault("false")
    boolean simulated();

    default ChatModelSpec toSpec() {
        return new ChatModelSpec(id(), provider(), baseUrl(), modelName(), temperature(), maxTokens(), Optional.empty(),
                timeout(), maxRetries(), new ApiKeySource(apiKeyEnv(), apiKeyFile()), simulated());
    }
}
