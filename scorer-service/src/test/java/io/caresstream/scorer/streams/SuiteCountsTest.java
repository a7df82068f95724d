package io.caresstream.scorer.streams;

import io.caresstream.scorer.domain.PromptRow;
import io.caresstream.scorer.domain.SuiteCount;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The suites' sizes, the denominators of coverage, as the scorer's topology counts them (the prompts step of
 * {@link ScoreTopology} on rows instead of Avro events). An upgrade from the earlier prompts table runs on a
 * real broker in {@link ScorerRestartTest}.
 */
class SuiteCountsTest {

    private static final Duration EMIT = Duration.ofMillis(200);

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<String, PromptRow> prompts;

    @BeforeEach
    void start() {
        ScoreTopology topology = new ScoreTopology();
        topology.updates = new ScoreUpdates();
        StreamsBuilder builder = new StreamsBuilder();
        topology.countPrompts(builder.stream("prompts",
                Consumed.with(Serdes.String(), new ObjectMapperSerde<>(PromptRow.class))));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "suite-counts-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(builder.build(), config);
        prompts = driver.createInputTopic("prompts", Serdes.String().serializer(),
                new ObjectMapperSerde<>(PromptRow.class).serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private SuiteCount total(String suite) {
        @SuppressWarnings("unchecked")
        ReadOnlyKeyValueStore<String, SuiteCount> store =
                (ReadOnlyKeyValueStore<String, SuiteCount>) driver.getAllStateStores().get(ScoreTopology.PARTITION_SUITE_COUNTS);
        java.util.Map<String, SuiteCount> byPartition = new java.util.HashMap<>();
        store.all().forEachRemaining(entry -> byPartition.put(entry.key, entry.value));
        return PartitionTallies.sumByGroup(byPartition, SuiteCount::plus).get(suite);
    }

    @Test
    void anImportCountsItsPromptsAndKeepsTheSizeItAnnounced() {
        for (int p = 0; p < 300; p++) {
            prompts.pipeInput("a-" + p, new PromptRow("a@v1", 1000L)); // the first 300 of 1,000 announced
        }
        for (int p = 0; p < 40; p++) {
            prompts.pipeInput("b-" + p, new PromptRow("b@v1", null)); // nothing announced
        }
        assertEquals(new SuiteCount(300, 1000), total("a@v1"), "every prompt counts at once, with no interval waited");
        assertEquals(1000, total("a@v1").size(), "coverage is of the size announced while prompts are missing");
        assertEquals(40, total("b@v1").size());
    }

    @Test
    void redeliveriesCountOnceAndDeletionsAndMovesTakeAPromptOut() {
        for (int p = 0; p < 10; p++) {
            prompts.pipeInput("a-" + p, new PromptRow("a@v1", 10L));
        }
        driver.advanceWallClockTime(EMIT);
        for (int p = 0; p < 10; p++) {
            prompts.pipeInput("a-" + p, new PromptRow("a@v1", 10L)); // redelivered, size and all
        }
        prompts.pipeInput("a-0", (PromptRow) null); // deleted
        prompts.pipeInput("a-1", new PromptRow("c@v1", null)); // moved to another suite
        driver.advanceWallClockTime(EMIT);
        assertEquals(new SuiteCount(8, 10), total("a@v1"), "the announced size stays; the count follows the log");
        assertEquals(new SuiteCount(1, 0), total("c@v1"));
        prompts.pipeInput("a-2", new PromptRow("a@v1", 12L)); // the suite grew
        assertEquals(new SuiteCount(8, 12), total("a@v1"));
        assertNull(total("d@v1"));
    }
}
