package io.caresstream.promptgenerator.messaging;

import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.PromptEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** Publishes prompt events keyed by prompt id, and returns only once the broker has acknowledged them. */
@ApplicationScoped
public class PromptPublisher {

    /** Prompts in flight at once: enough to keep the producer batching, bounded so memory stays flat. */
    static final int WINDOW = 512;

    private final MutinyEmitter<PromptEvent> emitter;
    private final SuiteCatalogue catalogue;

    public PromptPublisher(@Channel("prompts") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2 * WINDOW)
                           MutinyEmitter<PromptEvent> emitter, SuiteCatalogue catalogue) {
        this.emitter = emitter;
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
            List<Uni<Void>> acks = prompts.subList(from, to).stream().map(this::send).toList();
            try {
                Uni.join().all(acks).andFailFast().await().atMost(Duration.ofMinutes(1));
            } catch (RuntimeException e) {
                throw new PublishFailedException(acknowledged, prompts.size(), e);
            }
            acknowledged = to;
            progress.accept(to);
        }
    }

    private Uni<Void> send(PromptEvent prompt) {
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(EventKeys.prompt(prompt.getPromptId()))
                .build();
        return emitter.sendMessage(Message.of(prompt).addMetadata(key));
    }
}
