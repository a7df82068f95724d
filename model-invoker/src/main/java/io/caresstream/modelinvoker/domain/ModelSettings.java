package io.caresstream.modelinvoker.domain;

import io.caresstream.providers.ApiKeySource;
import io.caresstream.providers.ChatModelSpec;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The one model this instance evaluates (cares.model.*). Start another instance to add a model. */
@ConfigMapping(prefix = "cares.model")
public interface ModelSettings {

    /** Model id including its version, e.g. gpt-4o-mini@2024-07-18. Also names the consumer group. */
    String id();

    @WithDefault("openai")
    String provider();

    String baseUrl();

    String modelName();

    @WithDefault("0.0")
    double temperature();

    @WithDefault("512")
    int maxTokens();

    Optional<String> systemPrompt();

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

    default ChatModelSpec toSpec() {
        return new ChatModelSpec(id(), provider(), baseUrl(), modelName(), temperature(), maxTokens(), systemPrompt(),
                timeout(), maxRetries(), new ApiKeySource(apiKeyEnv(), apiKeyFile()), simulated());
    }
}
