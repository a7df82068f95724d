package io.caresstream.providers;

/** One answer of a chat model, with what it cost and how many calls it took. */
public record Completion(String text, int inputTokens, int outputTokens, long latencyMs, boolean simulated, int attempts) {
}
