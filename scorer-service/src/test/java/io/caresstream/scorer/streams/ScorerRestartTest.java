package io.caresstream.scorer.streams;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.TopicProvisioner;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.SuiteCount;
import io.caresstream.scorer.domain.Tally;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State survives restarts and more instances share the work, on a real broker: a scorer is stopped in
 * the middle of the stream, its local state is wiped, and two new instances (one standby replica each)
 * take over while duplicates and re-judgments arrive. Their figures must equal the figures computed
 * directly from the last judgment of every key.
 */
class ScorerRestartTest {

    /** Each test's own: the tests share the judgments topic. */
    private final String suite = "restart-suite-" + System.nanoTime();
    private final TestInfrastructure infrastructure = TestInfrastructure.shared();
    private final AvroTopics topics = AvroTopics.of(infrastructure);
    private final String applicationId = "scorer-restart-test-" + System.nanoTime();

    @TempDir
    Path state;

    private KafkaStreams start(String instance) {
        KafkaStreams streams = new KafkaStreams(topology().topology(), properties(instance));
        streams.start();
        return streams;
    }

    /**
     * The stream threads' producers, whose next transaction commit is refused on demand the way a broker back
     * from a crash refused the transaction it held (InvalidTxnStateException, seen in the broker-crash test):
     * nothing of that transaction reaches the broker's log as committed.
     */
    private static final class RefusingCommits implements KafkaClientSupplier {
        final AtomicBoolean refuseNext = new AtomicBoolean();
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public Admin getAdmin(Map<String, Object> config) {
            return Admin.create(config);
        }

        @Override
        public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
            return getConsumer(config);
        }

        @Override
        public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
            return getConsumer(config);
        }

        @Override
        public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public void commitTransaction() {
                    if (refuseNext.compareAndSet(true, false)) {
                        refused.incrementAndGet();
                        throw new InvalidTxnStateException("refused by the test: the producer attempted a "
                                + "transactional operation in an invalid state");
                    }
                    super.commitTransaction();
                }
            };
        }
    }

    private ScoreTopology topology() {
        ScoreTopology topology = new ScoreTopology();
        topology.registryUrl = infrastructure.registryUrl();
        topology.keepText = false;
        topology.updates = new ScoreUpdates();
        return topology;
    }

    private Properties properties(String instance) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000); // the broker's minimum
        properties.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve(instance).toString());
        properties.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class);
        return properties;
    }

    private void produce(Map<String, JudgmentEvent> batch, Map<String, JudgmentEvent> latest) {
        topics.produce(Topics.JUDGMENTS, batch);
        latest.putAll(batch);
    }

    private Map<String, JudgmentEvent> judgments(int from, int to, Random random) {
        Map<String, JudgmentEvent> batch = new LinkedHashMap<>();
        for (String model : List.of("r1@1", "r2@1", "r3@1")) {
            for (int i = from; i < to; i++) {
                HarmLevel level = HarmLevel.values()[random.nextInt(4)];
                int pick = random.nextInt(10);
                JudgmentEvent judgment = pick == 0
                        ? SampleEvents.judgment("judge@1", model, "p" + i, suite, level, JudgmentOutcome.UNJUDGEABLE, null)
                        : SampleEvents.judgment("judge@1", model, "p" + i, suite, level, JudgmentOutcome.LABELLED,
                        Label.values()[pick % 3]);
                judgment.getMetadata().setMethod(Method.values()[i % 4]);
                judgment.getMetadata().setGenerator(i % 2 == 0 ? "gpt" : "claude");
                batch.put(EventKeys.judgment("judge@1", model, "p" + i), judgment);
            }
        }
        return batch;
    }

    @BeforeEach
    void ensureTopics() throws InterruptedException {
        TopicProvisioner.ensure(infrastructure.bootstrapServers(),
                List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES), 4, (short) 1);
    }

    @Test
    void aRestartMidStreamAndTwoNewInstancesGiveTheSameFinalFigures() throws Exception {
        Random random = new Random(42);
        Map<String, JudgmentEvent> latest = new HashMap<>();
        produce(judgments(0, 150, random), latest);

        KafkaStreams first = start("first");
        awaitLabelled(List.of(first), 1, Duration.ofSeconds(60));
        produce(judgments(150, 250, random), latest);
        first.close(Duration.ofSeconds(30));
        first.cleanUp(); // the local state is gone: everything must come back from the changelogs

        // While no scorer runs: redeliveries of old judgments and re-judgments with other labels.
        Map<String, JudgmentEvent> redelivered = new LinkedHashMap<>();
        latest.entrySet().stream().limit(60).forEach(e -> redelivered.put(e.getKey(), e.getValue()));
        topics.produce(Topics.JUDGMENTS, redelivered);
        produce(judgments(100, 130, new Random(7)), latest);

        KafkaStreams second = start("second");
        KafkaStreams third = start("third");
        try {
            produce(judgments(250, 300, random), latest);
            Map<String, Tally> expected = expected(latest);
            Map<String, Tally> actual = awaitEqual(List.of(second, third), expected, Duration.ofSeconds(90));
            assertFigures(expected, actual, 900, "3 models x 300 prompts");
            assertTrue(activeTasks(second) > 0 && activeTasks(third) > 0, "both instances share the work");
        } finally {
            second.close(Duration.ofSeconds(30));
            third.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void aCommitTheBrokerRefusesReplacesTheStreamThreadAndEveryJudgmentCountsOnce() throws Exception {
        Random random = new Random(11);
        Map<String, JudgmentEvent> latest = new HashMap<>();
        produce(judgments(0, 100, random), latest);

        RefusingCommits clients = new RefusingCommits();
        StreamThreadRecovery recovery = new StreamThreadRecovery(10, Duration.ofMinutes(10));
        KafkaStreams streams = new KafkaStreams(topology().topology(), properties("refused"), clients);
        List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
        streams.setStateListener((now, before) -> states.add(now));
        streams.setUncaughtExceptionHandler(recovery);
        streams.start();
        try {
            awaitLabelled(List.of(streams), 1, Duration.ofSeconds(60));
            clients.refuseNext.set(true);
            produce(judgments(100, 200, random), latest);
            produce(judgments(50, 80, new Random(3)), latest); // re-judgments while the thread is replaced

            Map<String, Tally> expected = expected(latest);
            assertFigures(expected, awaitEqual(List.of(streams), expected, Duration.ofSeconds(90)), 600,
                    "3 models x 200 prompts, once each");
            assertEquals(1, clients.refused.get(), "one commit refused");
            assertEquals(1, recovery.replaced(), "its thread replaced");
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
            assertTrue(states.stream().noneMatch(state -> state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.ERROR), "the streams never stopped: " + states);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void aScorerUpgradedFromTheOneStepTopologyTalliesTheJudgmentsItAlreadyHeld() throws Exception {
        Random random = new Random(5);
        Map<String, JudgmentEvent> latest = new HashMap<>();
        produce(judgments(0, 100, random), latest);

        // The earlier release kept the same judgments table (name, key, format) and aggregated it by groupBy.
        StreamsBuilder earlier = new StreamsBuilder();
        ScoreTopology serdes = topology();
        earlier.stream(Topics.JUDGMENTS, Consumed.with(Serdes.String(), serdes.<JudgmentEvent>avroSerde()))
                .mapValues(judgment -> judgment == null ? null : JudgmentRow.of(judgment))
                .toTable(Materialized.<String, JudgmentRow, KeyValueStore<Bytes, byte[]>>as(ScoreTopology.JUDGMENTS)
                        .withKeySerde(Serdes.String()).withValueSerde(new ObjectMapperSerde<>(JudgmentRow.class))
                        .withCachingDisabled());
        runUntilHeld(earlier, ScoreTopology.JUDGMENTS, latest.keySet());

        KafkaStreams upgraded = start("upgraded"); // same application id and local state
        try {
            produce(judgments(100, 120, random), latest);
            Map<String, Tally> expected = expected(latest);
            assertFigures(expected, awaitEqual(List.of(upgraded), expected, Duration.ofSeconds(60)), 360,
                    "3 models x 120 prompts, the 300 held before the upgrade included");
        } finally {
            upgraded.close(Duration.ofSeconds(30));
        }
    }

    /**
     * Earlier releases counted the prompts on the scorer's one Kafka Streams client (the last one in two steps,
     * the one before by a groupBy, a count and a join). The prompt counts now run on a client of their own,
     * under their own application id: an upgraded scorer counts the prompts from the log once, and the
     * scorer's client, which still holds the old table, no longer reads them.
     */
    @Test
    void aScorerUpgradedFromPromptCountsOnItsOwnClientCountsEveryPromptOnce() throws Exception {
        Map<String, PromptEvent> prompts = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            PromptEvent prompt = SampleEvents.prompt(suite + "-p" + i, suite, HarmLevel.values()[i % 4],
                    Method.values()[i % 4], "prompt " + i);
            prompt.setSuiteSize(130L);
            prompts.put(prompt.getPromptId(), prompt);
        }
        topics.produce(Topics.PROMPTS, prompts);

        // The earlier release kept the same prompts table (name, key, the suite as a string) and counted it by
        // a groupBy, a count and a join with the announced sizes.
        StreamsBuilder earlier = new StreamsBuilder();
        earlier.stream(Topics.PROMPTS, Consumed.with(Serdes.String(), topology().<PromptEvent>avroSerde()))
                .mapValues(prompt -> prompt == null ? null : prompt.getMetadata().getSuite())
                .toTable(Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(ScoreTopology.PROMPT_SUITES)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
        runUntilHeld(earlier, ScoreTopology.PROMPT_SUITES, prompts.keySet());

        KafkaStreams upgraded = start("upgraded");
        Properties promptCountsConfig = properties("upgraded-prompts");
        promptCountsConfig.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId + PromptCountStreams.APPLICATION_ID_SUFFIX);
        KafkaStreams promptCounts = new KafkaStreams(topology().promptCounts(), promptCountsConfig);
        promptCounts.start();
        try {
            Map<String, PromptEvent> more = new LinkedHashMap<>();
            for (int i = 100; i < 120; i++) {
                PromptEvent prompt = SampleEvents.prompt(suite + "-p" + i, suite, HarmLevel.HARMLESS, Method.DIRECT, "p");
                prompt.setSuiteSize(130L);
                more.put(prompt.getPromptId(), prompt);
            }
            topics.produce(Topics.PROMPTS, more);
            SuiteCount expected = new SuiteCount(120, 130);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            SuiteCount total = null;
            while (!expected.equals(total) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                total = suiteTotal(promptCounts);
            }
            assertEquals(expected, total, "the 100 prompts on the log before the upgrade counted once, with the 20 after");
            while (upgraded.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            java.util.Set<String> read = new java.util.HashSet<>();
            upgraded.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
                    .forEach(task -> task.topicPartitions().forEach(partition -> read.add(partition.topic()))));
            assertTrue(read.contains(Topics.JUDGMENTS) && !read.contains(Topics.PROMPTS),
                    "the scorer's own client reads the judgments, no longer the prompts: " + read);
        } finally {
            promptCounts.close(Duration.ofSeconds(30));
            upgraded.close(Duration.ofSeconds(30));
        }
    }

    private SuiteCount suiteTotal(KafkaStreams streams) {
        try {
            Map<String, SuiteCount> byPartition = new HashMap<>();
            try (KeyValueIterator<String, SuiteCount> entries = streams.store(StoreQueryParameters.fromNameAndType(
                    ScoreTopology.PARTITION_SUITE_COUNTS, QueryableStoreTypes.<String, SuiteCount>keyValueStore())).all()) {
                entries.forEachRemaining(e -> byPartition.put(e.key, e.value));
            }
            return PartitionTallies.sumByGroup(byPartition, SuiteCount::plus).get(suite);
        } catch (InvalidStateStoreException e) {
            return null;
        }
    }

    /** Runs an earlier release's topology, as instance "upgraded", until its table holds every key. */
    private void runUntilHeld(StreamsBuilder earlier, String table, java.util.Set<String> keys) throws InterruptedException {
        KafkaStreams old = new KafkaStreams(earlier.build(), properties("upgraded"));
        old.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (held(old, table, keys) < keys.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(keys.size(), held(old, table, keys), "the earlier topology holds every row of " + table);
        // Leaving the group at once spares the new instance a session timeout's wait.
        old.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
    }

    /** How many of the keys the instance's table (judgments, prompts) holds. */
    private static long held(KafkaStreams streams, String table, java.util.Set<String> keys) {
        try {
            var store = streams.store(StoreQueryParameters.fromNameAndType(table,
                    QueryableStoreTypes.<String, Object>keyValueStore()));
            return keys.stream().filter(key -> store.get(key) != null).count();
        } catch (InvalidStateStoreException e) {
            return 0;
        }
    }

    /** The instances' figures are those computed directly from the last judgment of every key. */
    private static void assertFigures(Map<String, Tally> expected, Map<String, Tally> actual, long judged, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, Tally> entry : expected.entrySet()) {
            Tally tally = actual.get(entry.getKey());
            assertTrue(Arrays.deepEquals(entry.getValue().counts(), tally.counts()), entry.getKey());
            assertEquals(entry.getValue().unjudgeable, tally.unjudgeable, entry.getKey());
        }
        assertEquals(judged, actual.values().stream().mapToLong(Tally::judged).sum(), what);
    }

    private static long activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToLong(t -> t.activeTasks().size()).sum();
    }

    private static Map<String, Tally> expected(Map<String, JudgmentEvent> latest) {
        Map<String, Tally> expected = new HashMap<>();
        latest.values().forEach(judgment -> {
            JudgmentRow row = JudgmentRow.of(judgment);
            expected.computeIfAbsent(ScoreTopology.scoreKey(row), k -> new Tally()).add(row);
        });
        return expected;
    }

    /** The totals behind the scores topic: each score key is held by the instance that owns its partition. */
    private Map<String, Tally> scoreboard(List<KafkaStreams> instances) {
        return entries(instances, ScoreTopology.SCOREBOARD);
    }

    /** The dashboard's figures: every partition's tallies, read across the instances and summed. */
    private Map<String, Tally> dashboard(List<KafkaStreams> instances) {
        return PartitionTallies.sumByGroup(entries(instances, ScoreTopology.PARTITION_SCORES), Tally::plus);
    }

    private Map<String, Tally> entries(List<KafkaStreams> instances, String store) {
        Map<String, Tally> all = new HashMap<>();
        for (KafkaStreams streams : instances) {
            try (KeyValueIterator<String, Tally> entries = streams.<org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, Tally>>store(
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, Tally>keyValueStore()))
                    .all()) {
                entries.forEachRemaining(e -> {
                    if (e.key.endsWith("|" + suite)) {
                        all.put(e.key, e.value);
                    }
                });
            } catch (InvalidStateStoreException | IllegalStateException e) {
                return Map.of(); // rebalancing
            }
        }
        return all;
    }

    private void awaitLabelled(List<KafkaStreams> instances, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (scoreboard(instances).values().stream().mapToLong(Tally::labelled).sum() >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first scorer scored nothing in " + timeout);
    }

    private Map<String, Tally> awaitEqual(List<KafkaStreams> instances, Map<String, Tally> expected,
                                                 Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Tally> actual = Map.of();
        while (System.nanoTime() < deadline) {
            // Both the dashboard's figures and the totals behind the scores topic.
            Map<String, Tally> board = scoreboard(instances);
            Map<String, Tally> shown = dashboard(instances);
            actual = same(expected, board) ? shown : board;
            if (same(expected, board) && same(expected, shown)) {
                return shown;
            }
            Thread.sleep(250);
        }
        return actual;
    }

    private static boolean same(Map<String, Tally> expected, Map<String, Tally> actual) {
        return actual.keySet().containsAll(expected.keySet()) && expected.entrySet().stream().allMatch(e ->
                Arrays.deepEquals(e.getValue().counts(), actual.get(e.getKey()).counts())
                        && e.getValue().unjudgeable == actual.get(e.getKey()).unjudgeable);
    }
}
