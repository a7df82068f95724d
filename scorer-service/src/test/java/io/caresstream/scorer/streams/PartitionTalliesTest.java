package io.caresstream.scorer.streams;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.Tally;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-step aggregation's logic without a broker: rows tallied where they arrive, deltas emitted once per
 * interval, totals equal to the tally of the last row of every key. The restart and several-instance cases
 * run on a real broker in {@link ScorerRestartTest}.
 */
class PartitionTalliesTest {

    private static final Duration EMIT = Duration.ofMillis(200);

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<String, JudgmentRow> judgments;
    private TestOutputTopic<String, Tally> totals;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("judgments", Consumed.with(Serdes.String(), new ObjectMapperSerde<>(JudgmentRow.class)))
                .process(tallies())
                .groupByKey(Grouped.with("deltas-by-score", Serdes.String(), new TallySerde()))
                .aggregate(Tally::new, (key, delta, total) -> total.plus(delta),
                        Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as("totals")
                                .withKeySerde(Serdes.String()).withValueSerde(new TallySerde()).withCachingDisabled())
                .toStream()
                .to("totals", Produced.with(Serdes.String(), new TallySerde()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "partition-tallies-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(builder.build(), config);
        judgments = driver.createInputTopic("judgments", Serdes.String().serializer(),
                new ObjectMapperSerde<>(JudgmentRow.class).serializer());
        totals = driver.createOutputTopic("totals", Serdes.String().deserializer(), new TallySerde().deserializer());
    }

    /** The judgments' tallies as the scorer keeps them, counting each change to {@link #changes}. */
    private PartitionTallies<JudgmentRow, Tally> tallies() {
        return new PartitionTallies<>("rows", new ObjectMapperSerde<>(JudgmentRow.class), "partition-totals",
                new TallySerde(),
                new PartitionTallies.Tallying<>(ScoreTopology::scoreKey, Tally::new, Tally::add, Tally::remove,
                        tally -> new Tally().plus(tally)),
                EMIT, changes::incrementAndGet).emittingDeltas("deltas");
    }

    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    @AfterEach
    void stop() {
        driver.close();
    }

    private static JudgmentRow judgment(String model, int prompt, Label label) {
        return new JudgmentRow("judge@1", model, "p" + prompt, "suite", Principle.values()[prompt % 8],
                HarmLevel.values()[prompt % 4], Method.values()[(prompt / 4) % 4], prompt % 3 == 0 ? "gpt" : "claude",
                "b" + prompt, label == null ? JudgmentOutcome.UNJUDGEABLE : JudgmentOutcome.LABELLED, label, false,
                null, 0);
    }

    private static String key(JudgmentRow row) {
        return row.judgeId() + "|" + row.modelId() + "|" + row.promptId();
    }

    private Map<String, Tally> store() {
        Map<String, Tally> all = new HashMap<>();
        KeyValueStore<String, Tally> store = driver.getKeyValueStore("totals");
        store.all().forEachRemaining(entry -> all.put(entry.key, entry.value));
        return all;
    }

    /** What the dashboard reads: the partitions' tallies, summed. */
    private Map<String, Tally> partitionTotals() {
        Map<String, Tally> byPartition = new HashMap<>();
        @SuppressWarnings("unchecked")
        ReadOnlyKeyValueStore<String, Tally> store = (ReadOnlyKeyValueStore<String, Tally>) driver.getAllStateStores().get("partition-totals");
        store.all().forEachRemaining(entry -> byPartition.put(entry.key, entry.value));
        return PartitionTallies.sumByGroup(byPartition, Tally::plus);
    }

    private static void assertSameCounts(Tally expected, Tally actual) {
        assertTrue(Arrays.deepEquals(expected.counts(), actual.counts()), "counts by harm level and label");
        assertEquals(expected.generators().size(), actual.generators().size());
        assertEquals(expected.unjudgeable, actual.unjudgeable);
        assertEquals(expected.labelled(), actual.labelled());
    }

    @Test
    void aModelsJudgmentsMoveOnAsOneDeltaPerInterval() {
        for (int p = 0; p < 500; p++) {
            judgments.pipeInput(key(judgment("hot@1", p, Label.REFUSE)), judgment("hot@1", p, Label.REFUSE));
        }
        assertEquals(1, totals.readRecordsToList().size(), "the first judgment moves on at once");
        assertEquals(1, store().get("hot@1|judge@1|suite").labelled(), "the others wait for the interval");
        driver.advanceWallClockTime(EMIT);
        assertEquals(1, totals.readRecordsToList().size(), "499 judgments, one delta");
        assertEquals(500, store().get("hot@1|judge@1|suite").labelled());

        driver.advanceWallClockTime(EMIT);
        assertTrue(totals.isEmpty(), "no change, no delta");
    }

    @Test
    void aJudgmentAfterAQuietIntervalMovesOnAtOnceAndTheNextWithinItWaits() {
        JudgmentRow first = judgment("a@1", 1, Label.ACCEPT);
        judgments.pipeInput(key(first), first);
        assertEquals(1, store().get("a@1|judge@1|suite").labelled(), "no interval waited out after a start");

        JudgmentRow second = judgment("a@1", 2, Label.ACCEPT);
        judgments.pipeInput(key(second), second);
        driver.advanceWallClockTime(EMIT.dividedBy(2));
        assertEquals(1, store().get("a@1|judge@1|suite").labelled(), "within the interval of the last emission");
        driver.advanceWallClockTime(EMIT.dividedBy(2));
        assertEquals(2, store().get("a@1|judge@1|suite").labelled(), "at the interval's end");

        driver.advanceWallClockTime(EMIT.multipliedBy(5)); // quiet
        totals.readRecordsToList();
        JudgmentRow third = judgment("a@1", 3, Label.REFUSE);
        judgments.pipeInput(key(third), third);
        assertEquals(3, store().get("a@1|judge@1|suite").labelled(), "after a quiet spell, at once again");
        assertEquals(1, totals.readRecordsToList().size());
    }

    @Test
    void onlyAnEmissionAfterAQuietSpellAsksForACommitAtOnce() {
        PartitionTallies<JudgmentRow, Tally> tallies = tallies();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "partition-tallies-commit-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<String, Tally> context = new MockProcessorContext<>(config,
                new org.apache.kafka.streams.processor.TaskId(0, 0), state.toFile());
        context.setCurrentSystemTimeMs(1_000_000);
        tallies.stores().forEach(builder -> {
            StateStore store = builder.withCachingDisabled().withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        });
        Processor<String, JudgmentRow, String, Tally> processor = tallies.get();
        processor.init(context);

        java.util.function.IntConsumer judge = p -> {
            JudgmentRow row = judgment("a@1", p, Label.ACCEPT);
            processor.process(new Record<>(key(row), row, context.currentSystemTimeMs()));
        };
        judge.accept(1);
        assertEquals(1, context.forwarded().size(), "the first judgment after a start moves on at once");
        assertTrue(context.committed(), "and is committed at once");
        context.resetForwards();
        context.resetCommit();

        for (int p = 2; p <= 10; p++) { // a steady flow: one every 25 ms
            context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + 25);
            judge.accept(p);
        }
        assertEquals(1, context.forwarded().size(), "the flow emits when an interval has passed");
        assertFalse(context.committed(), "and leaves the commit to the commit interval");
        context.resetForwards();

        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + EMIT.multipliedBy(3).toMillis());
        judge.accept(11);
        assertEquals(1, context.forwarded().size());
        assertTrue(context.committed(), "a judgment after a quiet spell is committed at once again");
    }

    @Test
    void theTotalsEqualTheLastJudgmentOfEveryKey() {
        Random random = new Random(3);
        Map<String, JudgmentRow> latest = new LinkedHashMap<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 200; i++) {
                String model = "m" + random.nextInt(3) + "@1";
                int prompt = random.nextInt(120);
                int pick = random.nextInt(8);
                JudgmentRow row = judgment(model, prompt, pick == 0 ? null : Label.values()[pick % 3]);
                if (pick == 7 && latest.containsKey(key(row))) {
                    judgments.pipeInput(key(row), null); // deleted
                    latest.remove(key(row));
                } else {
                    judgments.pipeInput(key(row), row);
                    latest.put(key(row), row);
                }
                if (pick == 1) {
                    judgments.pipeInput(key(row), row); // redelivered as it is
                }
            }
            driver.advanceWallClockTime(EMIT);
        }
        Map<String, Tally> expected = new HashMap<>();
        latest.values().forEach(row -> expected.computeIfAbsent(ScoreTopology.scoreKey(row), k -> new Tally()).add(row));
        Map<String, Tally> actual = store();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((group, tally) -> assertSameCounts(tally, actual.get(group)));
        Map<String, Tally> read = partitionTotals();
        assertEquals(expected.keySet(), read.keySet(), "the dashboard's figures");
        expected.forEach((group, tally) -> assertSameCounts(tally, read.get(group)));
    }

    @Test
    void aJudgmentCountsOnTheDashboardAtOnceWithinAnInterval() {
        JudgmentRow first = judgment("a@1", 1, Label.ACCEPT);
        judgments.pipeInput(key(first), first);
        long before = changes.get();
        JudgmentRow second = judgment("a@1", 2, Label.REFUSE);
        judgments.pipeInput(key(second), second);
        assertEquals(1, store().get("a@1|judge@1|suite").labelled(), "the scores topic waits for the interval");
        assertEquals(2, partitionTotals().get("a@1|judge@1|suite").labelled(), "the dashboard does not");
        assertEquals(before + 1, changes.get(), "and hears of the change");
        judgments.pipeInput(key(second), second);
        assertEquals(before + 1, changes.get(), "a redelivery changes nothing");
    }

    @Test
    void thePartitionsTalliesAddUpAndAPartitionReadTwiceCountsOnce() {
        Tally inZero = new Tally().add(judgment("a@1", 1, Label.ACCEPT));
        Tally inThree = new Tally().add(judgment("a@1", 2, Label.REFUSE)).add(judgment("a@1", 3, Label.REFUSE));
        Map<String, Tally> entries = new HashMap<>();
        entries.put(PartitionTallies.totalKey(0, "a@1|judge@1|suite"), inZero);
        entries.put(PartitionTallies.totalKey(3, "a@1|judge@1|suite"), inThree);
        // The same partition from a second instance (a warm-up replica during a rebalance) has the same key.
        entries.put(PartitionTallies.totalKey(3, "a@1|judge@1|suite"),
                new Tally().add(judgment("a@1", 2, Label.REFUSE)).add(judgment("a@1", 3, Label.REFUSE)));
        Map<String, Tally> totals = PartitionTallies.sumByGroup(entries, Tally::plus);
        assertEquals(java.util.Set.of("a@1|judge@1|suite"), totals.keySet());
        assertEquals(3, totals.get("a@1|judge@1|suite").labelled());
    }

    @Test
    void aTaskTalliesItsRowsWhenItStartsAndMovesOnlyAnEarlierReleasesRowsOnAsDeltas() {
        MockProcessorContext<String, Tally> context = new MockProcessorContext<>(mockConfig(),
                new org.apache.kafka.streams.processor.TaskId(0, 5), state.toFile());
        context.setCurrentSystemTimeMs(1_000_000);
        PartitionTallies<JudgmentRow, Tally> tallies = tallies();
        Map<String, StateStore> stores = new HashMap<>();
        tallies.stores().forEach(builder -> {
            StateStore store = builder.withCachingDisabled().withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            stores.put(store.name(), store);
        });
        // Rows as a restart finds them (restored from the changelog), with nothing in the tallies' store.
        @SuppressWarnings("unchecked")
        org.apache.kafka.streams.state.TimestampedKeyValueStore<String, JudgmentRow> rows =
                (org.apache.kafka.streams.state.TimestampedKeyValueStore<String, JudgmentRow>) stores.get("rows");
        for (int p = 0; p < 30; p++) {
            JudgmentRow row = judgment("old@1", p, Label.REFUSE);
            rows.put(key(row), org.apache.kafka.streams.state.ValueAndTimestamp.make(row, 0));
        }
        @SuppressWarnings("unchecked")
        LiveTallyStore<Tally> totals = (LiveTallyStore<Tally>) stores.get("partition-totals");
        totals.update(PartitionTallies.totalKey(5, "gone@1|judge@1|suite"), none -> new Tally()); // a group with no rows left
        @SuppressWarnings("unchecked")
        KeyValueStore<String, Tally> deltas = (KeyValueStore<String, Tally>) stores.get("deltas");
        deltas.put(PartitionTallies.STARTED, new Tally()); // their deltas went on before the restart

        Processor<String, JudgmentRow, String, Tally> processor = tallies.get();
        processor.init(context);
        assertEquals(30, totals.get(PartitionTallies.totalKey(5, "old@1|judge@1|suite")).labelled(), "at start");
        assertNull(totals.get(PartitionTallies.totalKey(5, "gone@1|judge@1|suite")));
        assertTrue(context.scheduledPunctuators().isEmpty(), "no deltas wait");

        JudgmentRow next = judgment("old@1", 30, Label.ACCEPT);
        processor.process(new Record<>(key(next), next, context.currentSystemTimeMs()));
        assertEquals(31, totals.get(PartitionTallies.totalKey(5, "old@1|judge@1|suite")).labelled());
        assertEquals(1, context.forwarded().size());
        assertEquals(1, context.forwarded().get(0).record().value().labelled(), "only the new judgment moves on");

        // An earlier release's rows, with no deltas marker: they move on once, as one delta.
        deltas.delete(PartitionTallies.STARTED);
        deltas.delete("old@1|judge@1|suite");
        context.resetForwards();
        Processor<String, JudgmentRow, String, Tally> upgraded = tallies.get();
        upgraded.init(context);
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + EMIT.toMillis());
        context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator()
                .punctuate(context.currentSystemTimeMs());
        assertEquals(1, context.forwarded().size());
        assertEquals(31, context.forwarded().get(0).record().value().labelled());
        assertEquals(31, totals.get(PartitionTallies.totalKey(5, "old@1|judge@1|suite")).labelled(), "counted once");
    }

    @Test
    void aJudgmentMovedToAnotherGroupLeavesItsFirst() {
        JudgmentRow first = judgment("a@1", 1, Label.ACCEPT);
        judgments.pipeInput(key(first), first);
        driver.advanceWallClockTime(EMIT);
        JudgmentRow moved = new JudgmentRow(first.judgeId(), first.modelId(), first.promptId(), "other-suite",
                first.principle(), first.harmLevel(), first.method(), first.generator(), first.basePromptId(),
                first.outcome(), Label.REFUSE, false, null, 0);
        judgments.pipeInput(key(moved), moved);
        driver.advanceWallClockTime(EMIT);
        assertEquals(0, store().get("a@1|judge@1|suite").labelled());
        assertEquals(1, store().get("a@1|judge@1|other-suite").labelled());
        assertNull(store().get("a@1|judge@1|third"));
        assertEquals(0, partitionTotals().get("a@1|judge@1|suite").labelled());
        assertEquals(1, partitionTotals().get("a@1|judge@1|other-suite").labelled());
    }

    private static Properties mockConfig() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "partition-tallies-mock-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return config;
    }
}
