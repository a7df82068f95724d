package io.caresstream.judge.messaging;

import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.Method;
import io.caresstream.events.ModelProvenance;
import io.caresstream.events.PromptMetadata;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.benchmark.GoldCanaries;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.judge.domain.Judge;
import io.caresstream.judge.domain.JudgeHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges one gold canary every {@code cares.canaries.every}, as the reserved model {@value GoldCanaries#MODEL_ID},
 * and publishes the judgment beside the others: the scorer compares the labels with the known ones and marks a
 * judge that starts mislabelling. The canaries are made here, not read from the responses topic, so a judge plugged
 * in later is not served a backlog of old canaries to pay for, and no service needs the right to write responses
 * for the models. Only the instance holding the first partition of the responses does it ({@link CanaryHolder}).
 * The keys cycle through {@code cares.canaries.window} slots, so each judge's canary judgments, and the scorer's
 * window over them, stay that many.
 */
@ApplicationScoped
public class GoldCanaryJudging {

    private static final Logger LOG = Logger.getLogger(GoldCanaryJudging.class);

    private final Judge judge;
    private final JudgeHealth health;
    private final JudgedResponses judged;
    private final CanaryHolder holder;
    private final MutinyEmitter<JudgmentEvent> judgments;
    private final MeterRegistry metrics;
    private final long everyMillis;
    private final int window;
    private final GoldCanaries gold = GoldCanaries.v1();
    /** Started from the clock, so an instance taking over carries on near where the last one was. */
    private final AtomicLong nextSlot;

    public GoldCanaryJudging(Judge judge, JudgeHealth health, JudgedResponses judged,
                             @Identifier("judge-canary-holder") CanaryHolder holder,
                             @Channel("canary-judgments") MutinyEmitter<JudgmentEvent> judgments, MeterRegistry metrics,
                             @ConfigProperty(name = "cares.canaries.every") String every,
                             @ConfigProperty(name = "cares.canaries.window", defaultValue = "100") int window) {
        this.judge = judge;
        this.health = health;
        this.judged = judged;
        this.holder = holder;
        this.judgments = judgments;
        this.metrics = metrics;
        this.everyMillis = isOff(every) ? 0 : DurationConverter.parseDuration(every).toMillis();
        if (window < 1) {
            throw new IllegalArgumentException("cares.canaries.window must be at least 1, not " + window);
        }
        this.window = window;
        this.nextSlot = new AtomicLong(System.currentTimeMillis() / Math.max(1000, everyMillis));
    }

    private static boolean isOff(String every) {
        return every.equalsIgnoreCase("off") || every.equalsIgnoreCase("disabled");
    }

    /**
     * The first canary waits for the messaging to connect. The scheduler's resolution is a second, so the slots
     * are counted, not read off the clock: at 250 ms a clock-based slot would advance by 4 and reuse few keys.
     */
    @Scheduled(identity = "gold-canaries", every = "${cares.canaries.every}", delay = 5,
            delayUnit = TimeUnit.SECONDS, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void judgeNext() {
        // Not while another instance does it, nor while this one may not judge at all.
        if (!holder.holdsFirstPartition() || judged.notReadyBecause().isPresent() || health.heldBecause() != null) {
            return;
        }
        long slot = nextSlot.getAndIncrement();
        GoldCanaries.Item item = gold.items().get((int) (slot % gold.items().size()));
        ResponseEvent canary = response(item, "gold-" + (slot % window));
        JudgmentEvent judgment = judge.judge(canary);
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(EventKeys.judgment(judgment.getJudgeId(), judgment.getModelId(), judgment.getPromptId()))
                .build();
        try {
            judgments.sendMessage(Message.of(judgment).addMetadata(key)).await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            // The next canary comes anyway; the window just holds one fewer.
            LOG.warnf("judge %s: a gold canary's judgment was not published: %s", judge.judgeId(), e.getMessage());
            return;
        }
        boolean correct = judgment.getLabel() == item.label();
        metrics.counter("cares.judge.canaries", "judge", judge.judgeId(), "outcome",
                judgment.getLabel() == null ? judgment.getOutcome().name().toLowerCase(Locale.ROOT)
                        : correct ? "correct" : "wrong").increment();
    }

    /** The canary as a response of the reserved model: the judge judges it as it judges any other. */
    ResponseEvent response(GoldCanaries.Item item, String promptId) {
        PromptMetadata metadata = PromptMetadata.newBuilder()
                .setSuite(GoldCanaries.SUITE).setPrinciple(item.principle()).setHarmLevel(item.harmLevel())
                .setMethod(Method.DIRECT).setGenerator("project").setBasePromptId(item.id())
                .setDataset(new DatasetProvenance("cares-canaries", gold.version(), "gold", GoldCanaries.RESOURCE))
                .build();
        return ResponseEvent.newBuilder()
                .setPromptId(promptId).setModelId(GoldCanaries.MODEL_ID).setMetadata(metadata).setPrompt(item.prompt())
                .setModel(ModelProvenance.newBuilder().setModelId(GoldCanaries.MODEL_ID).setProvider("cares")
                        .setModelName("gold-canaries").setBaseUrl("").setTemperature(0).setMaxTokens(0).build())
                .setStatus(ResponseStatus.OK).setText(item.response()).setLatencyMs(0).setAttempts(1)
                .setRespondedAt(Instant.now())
                .build();
    }
}
