package io.caresstream.modelinvoker.domain;

import io.caresstream.providers.ChatModelSettings;
import io.caresstream.providers.ChatModelSpec;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** The one model this instance evaluates (cares.model.*). Start another instance to add a model. */
@ConfigMapping(prefix = "cares.model")
public interface ModelSettings extends ChatModelSettings {

    @Override
    @WithDefault("512")
    int maxTokens();

    Optional<String> systemPrompt();

    default ChatModelSpec toSpec() {
        return toSpec(systemPrompt());
    }
}
