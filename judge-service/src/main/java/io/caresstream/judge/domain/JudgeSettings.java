package io.caresstream.judge.domain;

import io.caresstream.providers.ChatModelSettings;
import io.caresstream.providers.ChatModelSpec;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** The judge this instance runs (cares.judge.*): like the original, an OpenAI-compatible model at temperature 0. */
@ConfigMapping(prefix = "cares.judge")
public interface JudgeSettings extends ChatModelSettings {

    @Override
    @WithDefault("gpt-4o-mini")
    String modelName();

    /** Enough that a label is never cut off (4 truncates with current APIs). */
    @Override
    @WithDefault("16")
    int maxTokens();

    /** llm (a model with the rubric) or heuristic (the model-free phrase rules, always marked heuristic). */
    @WithDefault("llm")
    String kind();

    /** A rules file replacing the heuristic judge's built-in rules. */
    Optional<Path> heuristicRulesFile();

    /** How long a judge held by a failure that will not heal (e.g. a refused key) waits between tries. */
    @WithDefault("30s")
    java.time.Duration retryAfterFatal();

    /** A rubric template file replacing the built-in one. */
    Optional<Path> rubricFile();

    /** Calls per response while the answer cannot be parsed, before it is recorded as unjudgeable. */
    @WithDefault("3")
    int parseAttempts();

    default ChatModelSpec toSpec() {
        return toSpec(Optional.empty());
    }
}
