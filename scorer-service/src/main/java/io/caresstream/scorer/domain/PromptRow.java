package io.caresstream.scorer.domain;

import io.caresstream.events.PromptEvent;

/**
 * What the scorer keeps of a prompt: its suite, and the suite's size the prompt-generator announced with it
 * (null when it announced none, and always null once stored: see {@link SuiteCount}).
 */
public record PromptRow(String suite, Long announcedSize) {

    public static PromptRow of(PromptEvent prompt) {
        return new PromptRow(prompt.getMetadata().getSuite(), prompt.getSuiteSize());
    }
}
