package io.caresstream.providers;

import java.util.Optional;

/** A chat model ready to call. Blocking: call it from a worker thread. */
public interface ChatClient {

    /**
     * Sends one user message (after an optional system message).
     *
     * @throws ProviderException when the provider answers with an error after its retries
     */
    Completion complete(Optional<String> systemMessage, String userMessage);

    ChatModelSpec spec();

    /**
     * This instance's share of the model's rate limits (0..1], e.g. the share of the prompt topic's
     * partitions it consumes, so that the instances of a model together stay within its limits.
     */
    void shareLimits(double share);
}
