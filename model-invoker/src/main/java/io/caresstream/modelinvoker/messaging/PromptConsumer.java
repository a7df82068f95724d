package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.ChannelSender;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CallPool;
import io.caresstream.events.work.UnloggedCalls;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.ModelStoppedException;
import io.caresstream.modelinvoker.domain.Responder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes the prompt log in this model's own consumer group (from the earliest offset, so a new model
 * is evaluated on everything already published) and publishes one response per prompt, keyed by model and
 * prompt so a redelivery replaces rather than adds. Calls run on this model's own pool of call threads
 * ({@link CallPool}), many in flight at once. A prompt is acknowledged only after its response is written; one
 * this model already answered is acknowledged without calling it again.
 * <p>
 * Responses go to the log through the responses channel's producer ({@link ChannelSender}); the channel's emitter
 * is injected only so that SmallRye makes the channel.
 * <p>
 * Made as the service starts ({@code @Startup}), not when the first prompt arrives: the bean starts its call
 * threads, and made on the first prompt's way it held that prompt back 0.1-0.25 s on a busy machine
 * (docs/performance.md).
 */
@ApplicationScoped
@Startup
public class PromptConsumer {

    private final Responder responder;
    private final AnsweredPrompts answered;
    private final ModelControl control;
    private final ChannelSender<ResponseEvent> responses;
    private final Counter reused;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final UnloggedCalls unlogged;
    private final CallPool calls;

    public PromptConsumer(Responder responder, AnsweredPrompts answered, ModelControl control, MeterRegistry metrics,
                          @Channel("responses") MutinyEmitter<ResponseEvent> responsesChannel,
                          KafkaClientService kafka, ChannelRegistry channels,
                          @ConfigProperty(name = "smallrye.messaging.worker.model-calls.max-concurrency") int concurrency) {
        this.responder = responder;
        this.answered = answered;
        this.control = control;
        this.responses = ChannelSender.onChannel("responses", kafka);
        this.unlogged = new UnloggedCalls(concurrency, responses::flush);
        this.reused = metrics.counter("cares.model.reused", "model", responder.modelId());
        metrics.gauge("cares.model.in.flight", io.micrometer.core.instrument.Tags.of("model", responder.modelId()),
                inFlight);
        this.calls = CallPool.onChannel("model-calls", concurrency, kafka, channels, ModelControl.CHANNEL);
    }

    @Incoming("prompts")
    public CompletionStage<Void> respond(Message<PromptEvent> message) {
        return calls.accept(message, Topics.PROMPTS, this::answer);
    }

    /** Prompts of partitions this instance no longer holds are left to their new owner. */
    void revoked(Collection<TopicPartition> partitions) {
        calls.revoked(partitions);
    }

    /**
     * A graceful stop: the calls under way finish and their responses are published before the consumer closes
     * and commits; prompts not yet called are left for the next start.
     */
    void stop(@Observes ShutdownEvent event) {
        calls.stop();
    }

    /**
     * Answers one prompt on a call thread; the stage completes once the prompt is acknowledged or refused. A call
     * interrupted by the service's stop leaves its prompt unacknowledged, for the next start.
     */
    private CompletionStage<Void> answer(Message<PromptEvent> message) {
        PromptEvent prompt = message.getPayload();
        ResponseEvent response;
        try {
            if (!answered.claim(prompt.getPromptId())) {
                reused.increment();
                return message.ack();
            }
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        // The call's thread is free for the next prompt at once (UnloggedCalls bounds the answers not on the log
        // yet); the prompt is acknowledged (and its offset becomes committable) only once the broker has
        // acknowledged its response, and the answered topic has it.
        CompletableFuture<Void> settled = new CompletableFuture<>();
        responses.send(EventKeys.response(response.getModelId(), response.getPromptId()), response).whenComplete(
                (sent, failure) -> {
                    unlogged.settled();
                    if (failure == null) {
                        answered.published(response).thenCompose(done -> message.ack())
                                .whenComplete((done, ackFailure) -> settled.complete(null));
                    } else {
                        answered.abandoned(prompt.getPromptId());
                        message.nack(failure).whenComplete((done, nackFailure) -> settled.complete(null));
                    }
                });
        return settled;
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
