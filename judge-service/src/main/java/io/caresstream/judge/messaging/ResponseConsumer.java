package io.caresstream.judge.messaging;

import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.ChannelSender;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CallPool;
import io.caresstream.events.work.UnloggedCalls;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.judge.domain.Judge;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes every response in this judge's own consumer group and publishes exactly one judgment per
 * response, keyed by judge, model and prompt so a redelivery replaces rather than adds. Calls run on this judge's
 * own pool of call threads ({@link CallPool}, as the model-invoker's).
 * <p>
 * Judgments go to the log through the judgments channel's producer ({@link ChannelSender}); the channel's emitter
 * is injected only so that SmallRye makes the channel.
 * <p>
 * Made as the service starts ({@code @Startup}), not when the first response arrives: the bean starts its call
 * threads, and made on the first response's way it held that response back 0.1-0.25 s on a busy machine
 * (docs/performance.md).
 */
@ApplicationScoped
@Startup
public class ResponseConsumer {

    /** The channel whose consumer the call pool pauses. */
    static final String CHANNEL = "responses";
    private final Judge judge;
    private final JudgedResponses alreadyJudged;
    private final MeterRegistry metrics;
    private final ChannelSender<JudgmentEvent> judgments;
    private final AtomicLong judged = new AtomicLong();
    private final UnloggedCalls unlogged;
    private final CallPool calls;

    public ResponseConsumer(Judge judge, JudgedResponses alreadyJudged, MeterRegistry metrics,
                            @Channel("judgments") MutinyEmitter<JudgmentEvent> judgmentsChannel,
                            KafkaClientService kafka, ChannelRegistry channels,
                            @ConfigProperty(name = "smallrye.messaging.worker.judge-calls.max-concurrency") int concurrency) {
        this.judge = judge;
        this.alreadyJudged = alreadyJudged;
        this.metrics = metrics;
        this.judgments = ChannelSender.onChannel("judgments", kafka);
        this.unlogged = new UnloggedCalls(concurrency, judgments::flush);
        this.calls = CallPool.onChannel("judge-calls", concurrency, kafka, channels, CHANNEL);
    }

    /** Judgments made by this instance since it started. */
    public long judged() {
        return judged.get();
    }

    @Incoming(CHANNEL)
    public CompletionStage<Void> judge(Message<ResponseEvent> response) {
        return calls.accept(response, Topics.RESPONSES, this::judgeOne);
    }

    /** Responses of partitions this instance no longer holds are left to their new owner. */
    void revoked(Collection<TopicPartition> partitions) {
        calls.revoked(partitions);
    }

    /**
     * A graceful stop: the calls under way finish and their judgments are published before the consumer closes
     * and commits; responses not yet judged are left for the next start.
     */
    void stop(@Observes ShutdownEvent event) {
        calls.stop();
    }

    /**
     * Judges one response on a call thread; the stage completes once the response is acknowledged or refused. A
     * call interrupted by the service's stop leaves its response unacknowledged, for the next start.
     */
    private CompletionStage<Void> judgeOne(Message<ResponseEvent> response) {
        ResponseEvent payload = response.getPayload();
        JudgmentEvent judgment;
        try {
            if (!alreadyJudged.claim(payload.getModelId(), payload.getPromptId())) {
                // Redelivered (a crash, a rebalance, a broker restart): its judgment is on the log already.
                metrics.counter("cares.judge.reused", "judge", judge.judgeId()).increment();
                return response.ack();
            }
            try {
                unlogged.beforeCall();
            } catch (InterruptedException e) {
                alreadyJudged.abandoned(payload.getModelId(), payload.getPromptId());
                throw e;
            }
            try {
                judgment = judge.judge(payload);
            } catch (RuntimeException e) {
                unlogged.settled();
                alreadyJudged.abandoned(payload.getModelId(), payload.getPromptId());
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return response.nack(e);
        }
        metrics.counter("cares.judge.judgments", "judge", judgment.getJudgeId(),
                "outcome", judgment.getOutcome().name().toLowerCase(java.util.Locale.ROOT)).increment();
        judged.incrementAndGet();
        // Known as judged once the broker has it, not before: a judgment that never reached the log must be made
        // again. Until then it counts among the unlogged calls.
        CompletableFuture<Void> settled = new CompletableFuture<>();
        String key = EventKeys.judgment(judgment.getJudgeId(), judgment.getModelId(), judgment.getPromptId());
        judgments.send(key, judgment).whenComplete((sent, failure) -> {
            unlogged.settled();
            if (failure == null) {
                alreadyJudged.published(judgment).thenCompose(written -> response.ack())
                        .whenComplete((done, ackFailure) -> settled.complete(null));
            } else {
                alreadyJudged.abandoned(judgment.getModelId(), judgment.getPromptId());
                response.nack(failure).whenComplete((done, nackFailure) -> settled.complete(null));
            }
        });
        return settled;
    }
}
