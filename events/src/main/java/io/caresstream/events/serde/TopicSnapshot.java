package io.caresstream.events.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Reads a topic of events once, from the beginning to its end at the time of the call, without a consumer
 * group: for answers about the whole log (a forecast, an evaluation) rather than for processing it. Only
 * records whose key passes the filter are deserialized; unreadable ones are skipped (they are the
 * dead-letter topics' business).
 */
public final class TopicSnapshot {

    private final Map<String, Object> config = new HashMap<>();

    public TopicSnapshot(String bootstrapServers, String registryUrl) {
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put("apicurio.registry.url", registryUrl);
        config.put("apicurio.registry.avro-datum-provider", CaresAvroDatumProvider.class.getName());
    }

    /** Calls sink with the key and event of every record of the topic whose key passes the filter, in order. */
    public <T> void read(String topic, Predicate<String> keys, BiConsumer<String, T> sink) {
        try (AvroKafkaDeserializer<T> values = new AvroKafkaDeserializer<>();
             KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
            values.configure(config, false);
            List<TopicPartition> partitions = kafka.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> kafka.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                    if (record.value() == null || record.key() == null || !keys.test(record.key())) {
                        continue;
                    }
                    T event;
                    try {
                        event = values.deserialize(record.topic(), record.headers(), record.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    sink.accept(record.key(), event);
                }
            }
        }
    }
}
