package io.caresstream.scorer.rest;

import io.caresstream.scorer.domain.ScoreView;
import io.caresstream.scorer.domain.Tally;
import io.caresstream.scorer.streams.ScoreTopology;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ServiceUnavailableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/** Current Safety Scores, read from the scoreboard store of this instance. */
@Path("/api/scores")
public class ScoreResource {

    private final KafkaStreams streams;

    public ScoreResource(KafkaStreams streams) {
        this.streams = streams;
    }

    @GET
    public List<ScoreView> scores() {
        List<ScoreView> scores = new ArrayList<>();
        try {
            ReadOnlyKeyValueStore<String, Tally> store = streams.store(StoreQueryParameters.fromNameAndType(
                    ScoreTopology.SCOREBOARD, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, Tally> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Tally> entry = all.next();
                    String[] parts = ScoreTopology.parts(entry.key);
                    scores.add(ScoreView.of(parts[0], parts[1], parts[2], entry.value));
                }
            }
        } catch (InvalidStateStoreException e) {
            // Starting or rebalancing: say so (503) rather than show partial figures.
            throw new ServiceUnavailableException("scores are not ready yet (Kafka Streams state: " + streams.state() + ")");
        }
        return scores;
    }
}
