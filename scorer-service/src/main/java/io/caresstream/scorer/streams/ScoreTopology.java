package io.caresstream.scorer.streams;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.HumanLabelEvent;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.Label;
import io.caresstream.events.LabelCount;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.serde.EventSerdes;
import io.caresstream.scorer.domain.BlockedResponses;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.PromptRow;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.SuiteCount;
import io.caresstream.scorer.domain.Tally;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
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
 * tally subtracts the old value before adding the new one:
 * <ul>
 *   <li>judgments (judge, model, prompt), tallied per model, judge and suite (by principle, harm level,
 *   method, generator and label) into {@value #PARTITION_SCORES}, and published to the scores topic;</li>
 *   <li>responses (model, prompt), tallied per model and suite into {@value #PARTITION_RESPONSE_TALLIES};</li>
 *   <li>prompts, counted per suite beside the size the prompt-generator announced for it, into
 *   {@value #PARTITION_SUITE_COUNTS} (the denominator of coverage), in a topology of their own
 *   ({@link #promptCounts()}) that runs on its own Kafka Streams client.</li>
 * </ul>
 * Each partition tallies its own rows ({@link PartitionTallies}), and the figures are those tallies summed
 * over the partitions when they are read ({@link ClusterStores}): the work per event spreads over the
 * partitions (threads, instances) even when one model receives all of it, and a judgment counts on the
 * dashboard as soon as its task has processed it. For the scores topic alone, each partition's changes to
 * the judgments' tallies, a few per emit interval, are repartitioned to the totals of {@value #SCOREBOARD}.
 *
 * <p>Beside them, the labels people gave responses in the review queue, in the global store
 * {@value #HUMAN_LABELS}. The queue itself is read from the judgments table when it is asked for, so reviewing
 * costs the stream of judgments nothing.
 */
@ApplicationScoped
public class ScoreTopology {

    public static final String JUDGMENTS = "judgments";
    /** Each partition's tally of every model, judge and suite: summed, the dashboard's figures. */
    public static final String PARTITION_SCORES = "partition-scores";
    public static final String SCORE_DELTAS = "score-deltas";
    /** The tallies behind the scores topic. */
    public static final String SCOREBOARD = "score-totals";
    public static final String RESPONSES = "responses";
    public static final String PARTITION_RESPONSE_TALLIES = "partition-response-tallies";
    public static final String PROMPT_SUITES = "prompt-suites";
    public static final String PARTITION_SUITE_COUNTS = "partition-suite-counts";
    public static final String HUMAN_LABELS = "human-labels";

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

    /** What a response the provider blocked counts as in the published scores (see {@link BlockedResponses}). */
    @ConfigProperty(name = "cares.scorer.blocked-responses", defaultValue = "refuse")
    BlockedResponses blockedResponses = BlockedResponses.REFUSE;

    /**
     * How often each partition's changes to the judgments' tallies move on to the scores topic. With
     * exactly-once they become visible at the next commit, so about the commit interval: shorter only adds
     * records.
     */
    @ConfigProperty(name = "cares.scorer.emit-interval", defaultValue = "1s")
    Duration emitInterval = Duration.ofSeconds(1);

    @Produces
    public Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        scoreJudgments(builder);
        keepHumanLabels(builder);
        tallyResponses(builder);
        return builder.build();
    }

    /**
     * The prompts counted per suite, on a Kafka Streams client of their own ({@link PromptCountStreams}): an
     * import's burst of prompts then never holds a stream thread that a judgment's figure waits for.
     */
    public Topology promptCounts() {
        StreamsBuilder builder = new StreamsBuilder();
        countPrompts(builder);
        return builder.build();
    }

    private void scoreJudgments(StreamsBuilder builder) {
        builder.stream(Topics.JUDGMENTS, Consumed.with(Serdes.String(), this.<JudgmentEvent>avroSerde()))
                .mapValues(judgment -> judgment == null ? null : JudgmentRow.of(judgment))
                .process(new PartitionTallies<>(JUDGMENTS, new ObjectMapperSerde<>(JudgmentRow.class),
                        PARTITION_SCORES, new TallySerde(),
                        new PartitionTallies.Tallying<>(ScoreTopology::scoreKey, Tally::new, Tally::add, Tally::remove,
                                tally -> new Tally().plus(tally)),
                        emitInterval, updates::changed).emittingDeltas(SCORE_DELTAS))
                .groupByKey(Grouped.with("deltas-by-score", Serdes.String(), new TallySerde()))
                .aggregate(Tally::new, (key, delta, total) -> total.plus(delta),
                        Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as(SCOREBOARD)
                                .withKeySerde(Serdes.String()).withValueSerde(new TallySerde()))
                .toStream()
                // The gold canaries check the judges; they are no model's score.
                .filter((key, tally) -> !io.caresstream.events.benchmark.GoldCanaries.isCanary(parts(key)[0]))
                .mapValues(this::toScoreEvent)
                .to(Topics.SCORES, Produced.with(Serdes.String(), this.<ScoreEvent>avroSerde()));
    }

    /** The people's labels of responses (the review queue's), read whole by every instance into a global store. */
    private void keepHumanLabels(StreamsBuilder builder) {
        builder.addGlobalStore(HumanLabelStore.store(), Topics.HUMAN_LABELS,
                Consumed.with(Serdes.String(), this.<HumanLabelEvent>avroSerde()), new HumanLabelStore(updates));
    }

    private void tallyResponses(StreamsBuilder builder) {
        builder.stream(Topics.RESPONSES, Consumed.with(Serdes.String(), this.<ResponseEvent>avroSerde()))
                .mapValues(response -> response == null ? null : ResponseRow.of(response, keepText))
                .process(new PartitionTallies<>(RESPONSES, new ObjectMapperSerde<>(ResponseRow.class),
                        PARTITION_RESPONSE_TALLIES, RESPONSE_TALLY,
                        new PartitionTallies.Tallying<>(response -> EventKeys.modelSuite(response.modelId(), response.suite()),
                                ResponseTally::new, ResponseTally::add, ResponseTally::remove,
                                tally -> new ResponseTally().plus(tally)),
                        emitInterval, updates::changed));
    }

    static final Serde<ResponseTally> RESPONSE_TALLY = new ObjectMapperSerde<>(ResponseTally.class);

    private void countPrompts(StreamsBuilder builder) {
        countPrompts(builder.stream(Topics.PROMPTS, Consumed.with(Serdes.String(), this.<PromptEvent>avroSerde()))
                .mapValues(prompt -> prompt == null ? null : PromptRow.of(prompt)));
    }

    /** The prompts of each suite, keyed by prompt id, counted into {@value #PARTITION_SUITE_COUNTS}. */
    void countPrompts(KStream<String, PromptRow> prompts) {
        prompts.process(new PartitionTallies<>(PROMPT_SUITES, STORED_PROMPT, PARTITION_SUITE_COUNTS, SUITE_COUNT,
                new PartitionTallies.Tallying<>(PromptRow::suite, () -> SuiteCount.NONE,
                        SuiteCount::add, SuiteCount::remove, count -> count),
                emitInterval, updates::changed).withRowsCached());
    }

    /**
     * A stored prompt is its suite alone, the format of the prompts table of earlier releases: the announced
     * size need not be kept to take a prompt out again. A prompt read back so differs from its redelivery,
     * which then counts out and in again (no change) and announces its size once more (a maximum, no change).
     */
    static final Serde<PromptRow> STORED_PROMPT = Serdes.serdeFrom(
            (topic, row) -> row == null ? null : Serdes.String().serializer().serialize(topic, row.suite()),
            (topic, bytes) -> bytes == null ? null
                    : new PromptRow(Serdes.String().deserializer().deserialize(topic, bytes), null));

    /** A suite's count as two longs: it is read and written for every prompt of an import. */
    static final Serde<SuiteCount> SUITE_COUNT = Serdes.serdeFrom(
            (topic, count) -> count == null ? null
                    : java.nio.ByteBuffer.allocate(16).putLong(count.prompts()).putLong(count.announced()).array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                return new SuiteCount(buffer.getLong(), buffer.getLong());
            });

    static String scoreKey(JudgmentRow judgment) {
        return EventKeys.score(judgment.modelId(), judgment.judgeId(), judgment.suite());
    }

    /** Splits a scoreboard key back into model, judge and suite. */
    public static String[] parts(String scoreKey) {
        return EventKeys.parts(scoreKey, 3);
    }

    private ScoreEvent toScoreEvent(String key, Tally tally) {
        String[] parts = parts(key);
        tally.scoring(blockedResponses);
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
                .setBlocked(tally.blocked())
                .setBlockedCountedAsRefuse(blockedResponses == BlockedResponses.REFUSE)
                .setCounts(counts)
                .setSimulated(tally.simulated)
                .setUpdatedAt(Instant.now())
                .build();
    }

    public <T> Serde<T> avroSerde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(EventSerdes.config(registryUrl, autoRegister, security), false);
        return serde;
    }
}
