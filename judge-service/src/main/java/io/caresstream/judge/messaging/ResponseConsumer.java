package io.caresstream.judge.messaging;

import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.serde.UnreadableEventException;
import io.caresstream.events.work.UnloggedCalls;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.judge.domain.Judge;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes every response in this judge's own consumer group and publishes exactly one judgment per
 * response, keyed by judge, model and prompt so a redelivery replaces rather than adds.
 */
@ApplicationScoped
public class ResponseConsumer {

    private final Judge judge;
    private final JudgedResponses alreadyJudged;
    private final MeterRegistry metrics;
    private final AtomicLong judged = new AtomicLong();

    private final UnloggedCalls unlogged;

    public ResponseConsumer(Judge judge, JudgedResponses alreadyJudged, MeterRegistry metrics,
                            @ConfigProperty(name = "smallrye.messaging.worker.judge-calls.max-concurrency") int concurrency) {
        this.unlogged = new UnloggedCalls(concurrency);
        this.judge = judge;
        this.alreadyJudged = alreadyJudged;
        this.metrics = metrics;
    }

    /** Judgments made by this instance since it started. */
    public long judged() {
        return judged.get();
    }

    @Incoming("responses")
    @Outgoing("judgments")
    @Blocking(value = "judge-calls", ordered = false)
    public Message<JudgmentEvent> judge(Message<ResponseEvent> response) throws InterruptedException {
        ResponseEvent payload = response.getPayload();
        if (payload == null) {
            // Could not be deserialized: the failure strategy sends it, with its raw bytes, to the dead-letter topic.
            throw new UnreadableEventException(Topics.RESPONSES);
        }
        if (!alreadyJudged.claim(payload.getModelId(), payload.getPromptId())) {
            // Redelivered (a crash, a rebalance, a broker restart): its judgment is on the log already.
            metrics.counter("cares.judge.reused", "judge", judge.judgeId()).increment();
            response.ack();
            return null; // nothing to publish: the mediator skips it
        }
        JudgmentEvent judgment;
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
        metrics.counter("cares.judge.judgments", "judge", judgment.getJudgeId(),
                "outcome", judgment.getOutcome().name().toLowerCase(java.util.Locale.ROOT)).increment();
        judged.incrementAndGet();
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(EventKeys.judgment(judgment.getJudgeId(), judgment.getModelId(), judgment.getPromptId()))
                .build();
        // Known as judged once the broker has it (the sink acknowledges this message), not before: a judgment
        // that never reached the log must be made again. Until then it counts among the unlogged calls.
        return response.withPayload(judgment).addMetadata(key)
                .withAck(() -> {
                    unlogged.settled();
                    return alreadyJudged.published(judgment).thenCompose(written -> response.ack());
                })
                .withNack(failure -> {
                    unlogged.settled();
                    alreadyJudged.abandoned(judgment.getModelId(), judgment.getPromptId());
                    return response.nack(failure);
                });
    }
}
