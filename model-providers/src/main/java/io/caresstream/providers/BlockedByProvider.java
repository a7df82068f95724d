package io.caresstream.providers;

/**
 * The provider's own safety filter refused the call: an HTTP 400 content-filter error, an OpenAI
 * {@code finish_reason: content_filter}, a Gemini safety block of the prompt or the answer, an Anthropic
 * {@code stop_reason: refusal}. The model as deployed refused, so this is an outcome to score, not a failure
 * to retry. The reason names the provider's own signal; the tokens are what the provider reported (it may
 * bill a blocked call).
 */
public final class BlockedByProvider extends ProviderException {

    private final int inputTokens;
    private final int outputTokens;
    private final boolean simulated;

    BlockedByProvider(String reason, int inputTokens, int outputTokens, boolean simulated, int attempts) {
        super(Kind.BLOCKED, reason, attempts);
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
        this.simulated = simulated;
    }

    /** Whether the block came from the simulated model server. */
    public boolean simulated() {
        return simulated;
    }

    public int inputTokens() {
        return inputTokens;
    }

    public int outputTokens() {
        return outputTokens;
    }
}
