package io.caresstream.scorer.messaging;

import io.caresstream.events.HumanLabelEvent;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.scorer.streams.ScoreTopology;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the labels people give in the review queue to {@value Topics#HUMAN_LABELS}, keyed by response, and
 * answers only once the broker has them (all in-sync replicas): a label the page showed as saved is never lost.
 * Connects as the scorer's other clients do (the {@code kafka.*} settings, security included).
 */
@ApplicationScoped
public class HumanLabelPublisher {

    /** The broker did not take the label in time: nothing was saved, and the reviewer is told so. */
    public static class NotSavedException extends RuntimeException {
        NotSavedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, HumanLabelEvent> producer;

    public HumanLabelPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, ScoreTopology topology) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "scorer-service-human-labels");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(config, new StringSerializer(),
                topology.<HumanLabelEvent>avroSerde().serializer());
    }

    public void publish(HumanLabelEvent label) {
        try {
            producer.send(new ProducerRecord<>(Topics.HUMAN_LABELS,
                    EventKeys.response(label.getModelId(), label.getPromptId()), label)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotSavedException("interrupted while saving the label", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new NotSavedException("the label could not be saved to " + Topics.HUMAN_LABELS + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
