package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.serde.UnreadableEventException;
import io.caresstream.events.work.UnloggedCalls;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.ModelStoppedException;
import io.caresstream.modelinvoker.domain.Responder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes the prompt log in this model's own consumer group (from the earliest offset, so a new model
 * is evaluated on everything already published) and publishes one response per prompt, keyed by model and
 * prompt so a redelivery replaces rather than adds. Calls run on a bounded worker pool, many in flight at
 * once. A prompt is acknowledged only after its response is written; one this model already answered is
 * acknowledged without calling it again.
 */
@ApplicationScoped
public class PromptConsumer {

    private final Responder responder;
    private final AnsweredPrompts answered;
    private final ModelControl control;
    private final MutinyEmitter<ResponseEvent> responses;
    private final Counter reused;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final UnloggedCalls unlogged;

    public PromptConsumer(Responder responder, AnsweredPrompts answered, ModelControl control, MeterRegistry metrics,
                          @Channel("responses") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                          MutinyEmitter<ResponseEvent> responses,
                          @ConfigProperty(name = "smallrye.messaging.worker.model-calls.max-concurrency") int concurrency) {
        this.unlogged = new UnloggedCalls(concurrency);
        this.responder = responder;
        this.answered = answered;
        this.control = control;
        this.responses = responses;
        this.reused = metrics.counter("cares.model.reused", "model", responder.modelId());
        metrics.gauge("cares.model.in.flight", io.micrometer.core.instrument.Tags.of("model", responder.modelId()),
                inFlight);
    }

    @Incoming("prompts")
    @Blocking(value = "model-calls", ordered = false)
    public CompletionStage<Void> respond(Message<PromptEvent> message) throws InterruptedException {
        PromptEvent prompt = message.getPayload();
        if (prompt == null) {
            // Could not be deserialized: the failure strategy sends it, with its raw bytes, to the dead-letter topic.
            throw new UnreadableEventException(Topics.PROMPTS);
        }
        if (!answered.claim(prompt.getPromptId())) {
            reused.increment();
            return message.ack();
        }
        ResponseEvent response;
        try {
            unlogged.beforeCall();
        } catch (InterruptedException e) {
            answered.abandoned(prompt.getPromptId());
            throw e;
        }
        inFlight.incrementAndGet();
        try {
            response = call(prompt);
        } catch (RuntimeException | InterruptedException e) {
            unlogged.settled();
            answered.abandoned(prompt.getPromptId());
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(EventKeys.response(response.getModelId(), response.getPromptId()))
                .build();
        // The call's worker is free for the next prompt at once (UnloggedCalls bounds the answers not on the log
        // yet); the prompt is acknowledged (and its offset becomes committable) only once the broker has
        // acknowledged its response, and the answered topic has it.
        responses.sendMessage(Message.of(response).addMetadata(key)).subscribe().with(
                sent -> {
                    unlogged.settled();
                    answered.published(response).thenRun(message::ack);
                },
                failure -> {
                    unlogged.settled();
                    answered.abandoned(prompt.getPromptId());
                    message.nack(failure);
                });
        return CompletableFuture.completedFuture(null);
    }

    /** Calls the model; while it is stopped or capped, waits for a resume and tries again. */
    private ResponseEvent call(PromptEvent prompt) throws InterruptedException {
        while (true) {
            control.awaitMayCall();
            try {
                return responder.respond(prompt);
            } catch (ModelStoppedException e) {
                control.stop(e.getMessage());
            }
        }
    }
}
