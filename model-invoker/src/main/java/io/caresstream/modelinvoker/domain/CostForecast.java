package io.caresstream.modelinvoker.domain;

import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import io.caresstream.events.PromptEvent;
import io.caresstream.providers.ChatModelSpec;

import java.util.Collection;
import java.util.OptionalDouble;

/**
 * What evaluating a suite will cost before it runs: input tokens counted with a real tokenizer (OpenAI's
 * for OpenAI models, o200k as the stand-in for others), output tokens from this model's answers so far
 * (or its max-tokens as the upper bound before it has answered anything), times its price.
 */
public final class CostForecast {

    /** The forecast, as shown to users. */
    public record Forecast(String model, String suite, int prompts, int alreadyAnswered, int toCall, long inputTokens,
                           long expectedOutputTokens, long maxOutputTokens, double expectedCostUsd, double maxCostUsd,
                           String outputBasis, String tokenizer, double inputPricePerMillion,
                           double outputPricePerMillion) {
    }

    /** Per message, chat formats add a few tokens of their own around the text. */
    static final int MESSAGE_OVERHEAD = 4;

    private CostForecast() {
    }

    public static Forecast of(ChatModelSpec spec, String suite, Collection<PromptEvent> prompts,
                              java.util.function.Predicate<String> answered, OptionalDouble meanOutputTokens) {
        String tokenizer = spec.provider().equalsIgnoreCase("openai") ? spec.modelName() : "gpt-4o";
        OpenAiTokenCountEstimator estimator;
        try {
            estimator = new OpenAiTokenCountEstimator(tokenizer);
        } catch (RuntimeException unknownModel) {
            tokenizer = "gpt-4o";
            estimator = new OpenAiTokenCountEstimator(tokenizer);
        }
        int system = spec.systemPrompt().map(estimator::estimateTokenCountInText).map(n -> n + MESSAGE_OVERHEAD).orElse(0);
        int toCall = 0;
        long input = 0;
        for (PromptEvent prompt : prompts) {
            if (!answered.test(prompt.getPromptId())) {
                toCall++;
                input += system + MESSAGE_OVERHEAD + estimator.estimateTokenCountInText(prompt.getPrompt());
            }
        }
        long maxOutput = (long) toCall * spec.maxTokens();
        long expectedOutput = meanOutputTokens.isPresent() ? Math.round(toCall * meanOutputTokens.getAsDouble()) : maxOutput;
        String basis = meanOutputTokens.isPresent()
                ? String.format(java.util.Locale.ROOT, "mean of this model's answers so far (%.0f tokens)", meanOutputTokens.getAsDouble())
                : "max-tokens (" + spec.maxTokens() + "): no answers yet to measure";
        return new Forecast(spec.id(), suite, prompts.size(), prompts.size() - toCall, toCall, input, expectedOutput,
                maxOutput, spec.price().cost(input, expectedOutput), spec.price().cost(input, maxOutput), basis,
                "jtokkit " + tokenizer, spec.price().inputPerMillion(), spec.price().outputPerMillion());
    }
}
