package io.caresstream.scorer.streams;

import io.caresstream.domain.EventKeys;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.Tally;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the topology's stores of this instance. Every read throws {@link NotReadyException} while Kafka
 * Streams is starting or rebalancing, so callers say "not ready" rather than show partial figures.
 */
@ApplicationScoped
public class Scoreboard {

    /** The stores cannot be read right now. */
    public static class NotReadyException extends RuntimeException {
        NotReadyException(KafkaStreams.State state, RuntimeException cause) {
            super("scores are not ready yet (Kafka Streams state: " + state + ")", cause);
        }
    }

    private final KafkaStreams streams;

    public Scoreboard(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Every score key (model|judge|suite) with its tally. */
    public Map<String, Tally> tallies() {
        Map<String, Tally> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, Tally> entries = this.<Tally>store(ScoreTopology.SCOREBOARD).all()) {
            entries.forEachRemaining(entry -> all.put(entry.key, entry.value));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(streams.state(), e);
        }
        return all;
    }

    public Tally tally(String modelId, String judgeId, String suite) {
        return get(ScoreTopology.SCOREBOARD, EventKeys.score(modelId, judgeId, suite));
    }

    public ResponseTally responses(String modelId, String suite) {
        return get(ScoreTopology.RESPONSE_TALLIES, EventKeys.modelSuite(modelId, suite));
    }

    public ResponseRow response(String modelId, String promptId) {
        return get(ScoreTopology.RESPONSES, EventKeys.response(modelId, promptId));
    }

    /** Prompts published to the suite so far; 0 when none has been seen. */
    public long suiteSize(String suite) {
        Long size = get(ScoreTopology.SUITE_SIZES, suite);
        return size == null ? 0 : size;
    }

    /** The judgments of one model under one judge on one suite that pass the filter, in key order. */
    public List<JudgmentRow> judgments(String judgeId, String modelId, String suite, Predicate<JudgmentRow> filter) {
        List<JudgmentRow> rows = new ArrayList<>();
        ReadOnlyKeyValueStore<String, JudgmentRow> store = store(ScoreTopology.JUDGMENTS);
        try (KeyValueIterator<String, JudgmentRow> entries = store.prefixScan(
                EventKeys.judgmentPrefix(judgeId, modelId), new StringSerializer())) {
            while (entries.hasNext()) {
                KeyValue<String, JudgmentRow> entry = entries.next();
                if (entry.value.suite().equals(suite) && filter.test(entry.value)) {
                    rows.add(entry.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(streams.state(), e);
        }
        return rows;
    }

    private <V> V get(String storeName, String key) {
        try {
            return this.<V>store(storeName).get(key);
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException(streams.state(), e);
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // IllegalStateException: Kafka Streams is not running (starting, stopping or failed).
            throw new NotReadyException(streams.state(), e);
        }
    }
}
