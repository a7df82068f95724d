package io.caresstream.modelinvoker.domain;

import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.TokenUsage;
import io.caresstream.providers.ChatClient;
import io.caresstream.providers.ChatClients;
import io.caresstream.providers.Completion;
import io.caresstream.providers.ProviderException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;

/**
 * Turns a prompt into a response event. A failed call becomes a response with status ERROR and its
 * reason, so no prompt is silently dropped and an error is never mistaken for an answer.
 */
@ApplicationScoped
public class Responder {

    private static final Logger LOG = Logger.getLogger(Responder.class);

    private final ChatClient client;

    public Responder(ModelSettings settings) {
        this.client = ChatClients.create(settings.toSpec());
        LOG.infof("model %s: %s %s at %s (api key: %s)", settings.id(), settings.provider(), settings.modelName(),
                settings.baseUrl(), settings.toSpec().apiKey());
    }

    public String modelId() {
        return client.spec().id();
    }

    public ResponseEvent respond(PromptEvent prompt) {
        ResponseEvent.Builder response = ResponseEvent.newBuilder()
                .setPromptId(prompt.getPromptId())
                .setModelId(client.spec().id())
                .setMetadata(prompt.getMetadata())
                .setPrompt(prompt.getPrompt())
                .setAttempts(1 + client.spec().maxRetries());
        long started = System.nanoTime();
        try {
            Completion completion = client.complete(Optional.empty(), prompt.getPrompt());
            return response.setStatus(ResponseStatus.OK)
                    .setText(completion.text())
                    .setUsage(new TokenUsage(completion.inputTokens(), completion.outputTokens()))
                    .setLatencyMs(completion.latencyMs())
                    .setModel(client.spec().provenance(completion.simulated()))
                    .setAttempts(1)
                    .setRespondedAt(Instant.now())
                    .build();
        } catch (ProviderException e) {
            LOG.warnf("model %s failed on prompt %s: %s", client.spec().id(), prompt.getPromptId(), e.getMessage());
            return response.setStatus(ResponseStatus.ERROR)
                    .setError(e.getMessage())
                    .setLatencyMs((System.nanoTime() - started) / 1_000_000)
                    .setModel(client.spec().provenance(false))
                    .setRespondedAt(Instant.now())
                    .build();
        }
    }
}
