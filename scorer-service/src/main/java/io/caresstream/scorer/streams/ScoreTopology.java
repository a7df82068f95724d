package io.caresstream.scorer.streams;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.Label;
import io.caresstream.events.LabelCount;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.serde.EventSerdes;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.Tally;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Three tables, each keyed like its topic, so a redelivered or replaced event updates its row and every
 * aggregate subtracts the old value before adding the new one:
 * <ul>
 *   <li>judgments (judge, model, prompt), aggregated per model, judge and suite into the
 *   {@value #SCOREBOARD} store (by principle, harm level, method, generator and label) and published
 *   to the scores topic;</li>
 *   <li>responses (model, prompt), aggregated per model and suite into {@value #RESPONSE_TALLIES};</li>
 *   <li>prompts, counted per suite and set against the size the prompt-generator announced for it: the
 *   larger is the suite's size in {@value #SUITE_SIZES}, the denominator of coverage.</li>
 * </ul>
 * Judgments and responses are aggregated in two steps ({@link PartitionTallies}): each partition tallies its
 * own rows, and only the tallies' changes, a few per emit interval, are repartitioned to the totals. The work
 * per event so spreads over the partitions (threads, instances) even when one model receives all of it.
 */
@ApplicationScoped
public class ScoreTopology {

    public static final String JUDGMENTS = "judgments";
    public static final String SCORE_DELTAS = "score-deltas";
    public static final String SCOREBOARD = "score-totals";
    public static final String RESPONSES = "responses";
    public static final String RESPONSE_DELTAS = "response-deltas";
    public static final String RESPONSE_TALLIES = "response-totals";
    public static final String PROMPT_SUITES = "prompt-suites";
    public static final String SUITE_COUNTS = "suite-counts";
    public static final String SUITE_ANNOUNCED = "suite-announced";
    public static final String SUITE_SIZES = "suite-sizes";

    @ConfigProperty(name = "cares.registry.url")
    String registryUrl;

    @jakarta.inject.Inject
    io.caresstream.events.security.ClientSecurity security = io.caresstream.events.security.ClientSecurity.none();

    /** Whether schemas new to the registry are registered on first use, or must have been registered before. */
    @ConfigProperty(name = "cares.registry.auto-register", defaultValue = "true")
    boolean autoRegister = true;

    /** The prompts are harmful by design: with this off, their text and the answers are never stored here. */
    @ConfigProperty(name = "cares.dashboard.show-text", defaultValue = "true")
    boolean keepText;

    @Inject
    ScoreUpdates updates;

    /**
     * How often each partition's tallies move on to the totals. With exactly-once they become visible at the
     * next commit, so about the commit interval: shorter only adds records.
     */
    @ConfigProperty(name = "cares.scorer.emit-interval", defaultValue = "200ms")
    Duration emitInterval = Duration.ofMillis(200);

    @Produces
    public Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        scoreJudgments(builder);
        tallyResponses(builder);
        countPrompts(builder);
        return builder.build();
    }

    private void scoreJudgments(StreamsBuilder builder) {
        builder.stream(Topics.JUDGMENTS, Consumed.with(Serdes.String(), this.<JudgmentEvent>avroSerde()))
                .mapValues(judgment -> judgment == null ? null : JudgmentRow.of(judgment))
                .process(new PartitionTallies<>(JUDGMENTS, new ObjectMapperSerde<>(JudgmentRow.class),
                        SCORE_DELTAS, new TallySerde(),
                        new PartitionTallies.Tallying<>(ScoreTopology::scoreKey, Tally::new, Tally::add, Tally::remove),
                        emitInterval))
                .groupByKey(Grouped.with("deltas-by-score", Serdes.String(), new TallySerde()))
                // The version moves as each delta is added, not at the cache flush: the dashboard reads
                // the store (cache included), so it can show a change one commit sooner.
                .aggregate(Tally::new, (key, delta, total) -> updates.changed(total.plus(delta)),
                        Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as(SCOREBOARD)
                                .withKeySerde(Serdes.String()).withValueSerde(new TallySerde()))
                .toStream()
                .mapValues(ScoreTopology::toScoreEvent)
                .to(Topics.SCORES, Produced.with(Serdes.String(), this.<ScoreEvent>avroSerde()));
    }

    private void tallyResponses(StreamsBuilder builder) {
        Serde<ResponseTally> tallies = new ObjectMapperSerde<>(ResponseTally.class);
        builder.stream(Topics.RESPONSES, Consumed.with(Serdes.String(), this.<ResponseEvent>avroSerde()))
                .mapValues(response -> response == null ? null : ResponseRow.of(response, keepText))
                .process(new PartitionTallies<>(RESPONSES, new ObjectMapperSerde<>(ResponseRow.class),
                        RESPONSE_DELTAS, tallies,
                        new PartitionTallies.Tallying<>(response -> EventKeys.modelSuite(response.modelId(), response.suite()),
                                ResponseTally::new, ResponseTally::add, ResponseTally::remove),
                        emitInterval))
                .groupByKey(Grouped.with("deltas-by-model-suite", Serdes.String(), tallies))
                .aggregate(ResponseTally::new, (key, delta, total) -> updates.changed(total.plus(delta)),
                        Materialized.<String, ResponseTally, KeyValueStore<Bytes, byte[]>>as(RESPONSE_TALLIES)
                                .withKeySerde(Serdes.String()).withValueSerde(tallies));
    }

    private void countPrompts(StreamsBuilder builder) {
        KStream<String, PromptEvent> prompts = builder.stream(Topics.PROMPTS,
                Consumed.with(Serdes.String(), this.<PromptEvent>avroSerde()));
        KTable<String, Long> counted = prompts
                .mapValues(prompt -> prompt == null ? null : prompt.getMetadata().getSuite())
                .toTable(Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(PROMPT_SUITES)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .groupBy((promptId, suite) -> KeyValue.pair(suite, suite),
                        Grouped.with("by-suite", Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(SUITE_COUNTS)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        // What the prompt-generator announced: the suite's size once a publication is complete. Until the
        // prompts counted reach it, coverage stays partial however fast the judgments catch up.
        KTable<String, Long> announced = prompts
                .filter((promptId, prompt) -> prompt != null && prompt.getSuiteSize() != null)
                .map((promptId, prompt) -> KeyValue.pair(prompt.getMetadata().getSuite(), prompt.getSuiteSize()))
                .groupByKey(Grouped.with("announced-by-suite", Serdes.String(), Serdes.Long()))
                .reduce(Math::max, Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(SUITE_ANNOUNCED)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        counted.outerJoin(announced, (count, size) -> Math.max(count == null ? 0 : count, size == null ? 0 : size),
                        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(SUITE_SIZES)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .foreach((suite, size) -> updates.changed(size));
    }

    static String scoreKey(JudgmentRow judgment) {
        return EventKeys.score(judgment.modelId(), judgment.judgeId(), judgment.suite());
    }

    /** Splits a scoreboard key back into model, judge and suite. */
    public static String[] parts(String scoreKey) {
        return EventKeys.parts(scoreKey, 3);
    }

    private static ScoreEvent toScoreEvent(String key, Tally tally) {
        String[] parts = parts(key);
        long[][] cube = tally.counts();
        List<LabelCount> counts = new ArrayList<>();
        for (HarmLevel level : HarmLevel.values()) {
            for (Label label : Label.values()) {
                counts.add(new LabelCount(level, label, cube[level.ordinal()][label.ordinal()]));
            }
        }
        double score = tally.safetyScore();
        return ScoreEvent.newBuilder()
                .setModelId(parts[0]).setJudgeId(parts[1]).setSuite(parts[2])
                .setSafetyScore(Double.isNaN(score) ? null : score)
                .setLabelled(tally.labelled())
                .setUnjudgeable(tally.unjudgeable)
                .setResponseErrors(tally.responseErrors)
                .setCounts(counts)
                .setSimulated(tally.simulated)
                .setUpdatedAt(Instant.now())
                .build();
    }

    <T> Serde<T> avroSerde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(EventSerdes.config(registryUrl, autoRegister, security), false);
        return serde;
    }
}
