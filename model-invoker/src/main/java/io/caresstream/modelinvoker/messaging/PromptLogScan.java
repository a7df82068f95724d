package io.caresstream.modelinvoker.messaging;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.caresstream.domain.Topics;
import io.caresstream.events.PromptEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads the whole prompt log once, up to its current end, keeping the prompts that match (latest per id). */
@ApplicationScoped
public class PromptLogScan {

    private final Map<String, Object> config = new HashMap<>();

    public PromptLogScan(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                         @ConfigProperty(name = "cares.registry.url") String registry) {
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put("apicurio.registry.url", registry);
        config.put("apicurio.registry.avro-datum-provider", "io.caresstream.events.serde.CaresAvroDatumProvider");
    }

    public Map<String, PromptEvent> prompts(Predicate<PromptEvent> keep) {
        Map<String, PromptEvent> kept = new LinkedHashMap<>();
        try (AvroKafkaDeserializer<PromptEvent> values = new AvroKafkaDeserializer<>();
             KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
            values.configure(config, false);
            List<TopicPartition> partitions = kafka.partitionsFor(Topics.PROMPTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> kafka.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        continue;
                    }
                    try {
                        PromptEvent prompt = values.deserialize(record.topic(), record.headers(), record.value());
                        if (keep.test(prompt)) {
                            kept.put(prompt.getPromptId(), prompt);
                        }
                    } catch (RuntimeException e) {
                        // An unreadable prompt is the dead-letter topic's business, not the forecast's.
                    }
                }
            }
        }
        return kept;
    }
}
