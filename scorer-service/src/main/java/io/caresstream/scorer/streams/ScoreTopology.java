package io.caresstream.scorer.streams;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroSerde;
import io.caresstream.domain.EventKeys;
import io.caresstream.domain.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.Label;
import io.caresstream.events.LabelCount;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.serde.CaresAvroDatumProvider;
import io.caresstream.scorer.domain.Tally;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judgments as a table keyed by (judge, model, prompt): a redelivered or replaced judgment updates its
 * row, and the aggregate subtracts the old value before adding the new one. Aggregated per model,
 * judge and suite into the {@value #SCOREBOARD} store, and published to the scores topic.
 */
@ApplicationScoped
public class ScoreTopology {

    public static final String SCOREBOARD = "scoreboard";

    @ConfigProperty(name = "cares.registry.url")
    String registryUrl;

    @Produces
    public Topology topology() {
        Serde<JudgmentEvent> judgments = avroSerde();
        Serde<ScoreEvent> scores = avroSerde();
        Serde<Tally> tallies = new ObjectMapperSerde<>(Tally.class);

        StreamsBuilder builder = new StreamsBuilder();
        builder.table(Topics.JUDGMENTS, Consumed.with(Serdes.String(), judgments),
                        Materialized.<String, JudgmentEvent, KeyValueStore<Bytes, byte[]>>as("judgments")
                                .withKeySerde(Serdes.String()).withValueSerde(judgments))
                .groupBy((key, judgment) -> KeyValue.pair(scoreKey(judgment), judgment),
                        Grouped.with("by-score", Serdes.String(), judgments))
                .aggregate(Tally::new, (key, judgment, tally) -> tally.add(judgment),
                        (key, judgment, tally) -> tally.remove(judgment),
                        Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as(SCOREBOARD)
                                .withKeySerde(Serdes.String()).withValueSerde(tallies))
                .toStream()
                .mapValues(ScoreTopology::toScoreEvent)
                .to(Topics.SCORES, Produced.with(Serdes.String(), scores));
        return builder.build();
    }

    static String scoreKey(JudgmentEvent judgment) {
        return EventKeys.score(judgment.getModelId(), judgment.getJudgeId(), judgment.getMetadata().getSuite());
    }

    /** Splits a scoreboard key back into model, judge and suite. */
    public static String[] parts(String scoreKey) {
        return scoreKey.split("\\|", 3);
    }

    private static ScoreEvent toScoreEvent(String key, Tally tally) {
        String[] parts = parts(key);
        List<LabelCount> counts = new ArrayList<>();
        for (HarmLevel level : HarmLevel.values()) {
            for (Label label : Label.values()) {
                counts.add(new LabelCount(level, label, tally.counts[level.ordinal()][label.ordinal()]));
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

    private <T> Serde<T> avroSerde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(Map.of(
                SerdeConfig.REGISTRY_URL, registryUrl,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
                AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, CaresAvroDatumProvider.class.getName()), false);
        return serde;
    }
}
