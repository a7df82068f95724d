package io.caresstream.promptgenerator.messaging;

import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.topics.ChannelSender;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Publishes prompt events keyed by prompt id, and returns only once the broker has acknowledged them. They go
 * through the prompts channel's producer ({@link ChannelSender}); its emitter is injected only so that SmallRye
 * makes the channel.
 */
@ApplicationScoped
public class PromptPublisher {

    /** Prompts in flight at once: enough to keep the producer batching, bounded so memory stays flat. */
    static final int WINDOW = 512;

    private final ChannelSender<PromptEvent> promptSender;
    private final SuiteCatalogue catalogue;

    public PromptPublisher(@Channel("prompts") MutinyEmitter<PromptEvent> promptsChannel, KafkaClientService kafka,
                           SuiteCatalogue catalogue) {
        this.promptSender = ChannelSender.onChannel("prompts", kafka);
        this.catalogue = catalogue;
    }

    /**
     * Publishes all prompts; calls progress with the number acknowledged so far after each window.
     *
     * @throws PublishFailedException if the broker or registry fails or rejects a prompt (e.g. an
     *                                 incompatible schema), with the number acknowledged before
     */
    public void publishAll(List<PromptEvent> prompts, LongConsumer progress) {
        // Every prompt announces the size its suite will have, so the scorer knows how much is still to come.
        Map<String, Long> sizes = catalogue.sizesWith(prompts);
        prompts.forEach(prompt -> prompt.setSuiteSize(sizes.get(prompt.getMetadata().getSuite())));
        long acknowledged = 0;
        for (int from = 0; from < prompts.size(); from += WINDOW) {
            int to = Math.min(prompts.size(), from + WINDOW);
            CompletableFuture<?>[] acks = prompts.subList(from, to).stream()
                    .map(prompt -> promptSender.send(EventKeys.prompt(prompt.getPromptId()), prompt).toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(acks).get(1, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                throw new PublishFailedException(acknowledged, prompts.size(), e.getCause());
            } catch (TimeoutException e) {
                throw new PublishFailedException(acknowledged, prompts.size(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishFailedException(acknowledged, prompts.size(), e);
            }
            acknowledged = to;
            progress.accept(to);
        }
    }
}
