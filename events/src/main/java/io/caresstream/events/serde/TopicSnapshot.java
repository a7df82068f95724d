package io.caresstream.events.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.caresstream.events.security.ClientSecurity;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a topic of events from the beginning without a consumer group: once, to its end at the time of the
 * call, for answers about the whole log (a forecast, an evaluation); or following it, to know what the log
 * already holds before acting (the prompts a model has answered). Only records whose key passes the filter
 * are deserialized; unreadable ones are skipped with a warning (they are the dead-letter topics' business).
 * One instance follows one topic at a time; {@link #stop()} ends a follow from another thread.
 */
public final class TopicSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSnapshot.class);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(2);

    private final Map<String, Object> config = new HashMap<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> following;

    public TopicSnapshot(String bootstrapServers, String registryUrl, ClientSecurity security) {
        this(bootstrapServers, registryUrl, security, Map.of());
    }

    /** With further consumer settings (a client id, fetch sizes); no registry for a reader of raw values only. */
    public TopicSnapshot(String bootstrapServers, String registryUrl, ClientSecurity security,
                         Map<String, Object> consumerSettings) {
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(security.kafka());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        if (registryUrl != null) {
            config.put("apicurio.registry.url", registryUrl);
        }
        config.putAll(security.registry());
        config.put("apicurio.registry.avro-datum-provider", CaresAvroDatumProvider.class.getName());
        config.putAll(consumerSettings);
    }

    /** Calls sink with the key and event of every record of the topic whose key passes the filter, in order. */
    public <T> void read(String topic, Predicate<String> keys, BiConsumer<String, T> sink) {
        scan(topic, keys, sink, false, () -> { });
    }

    /**
     * Like {@link #read}, then goes on with records as they arrive until {@link #stop()}; caughtUp runs once,
     * when the records there were at the start have all been read (at once when the topic does not exist yet,
     * which is then awaited). The filter is asked again for every record, so it can skip what is known already.
     */
    public <T> void follow(String topic, Predicate<String> keys, BiConsumer<String, T> sink, Runnable caughtUp) {
        scan(topic, keys, sink, true, caughtUp);
    }

    /** A record's value as it is, and when it was written. */
    public record Raw(byte[] value, long timestampMs) {
    }

    /** Like {@link #follow}, for a topic whose values are not events: they are passed on as they are. */
    public void followRaw(String topic, BiConsumer<String, Raw> sink, Runnable caughtUp) {
        scan(topic, key -> true, sink, true, caughtUp, record -> new Raw(record.value(), record.timestamp()));
    }

    /** Ends a {@link #follow} running in another thread. */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = following;
        if (current != null) {
            current.wakeup();
        }
    }

    private <T> void scan(String topic, Predicate<String> keys, BiConsumer<String, T> sink, boolean follow,
                          Runnable caughtUp) {
        try (AvroKafkaDeserializer<T> values = new AvroKafkaDeserializer<>()) {
            values.configure(config, false);
            scan(topic, keys, sink, follow, caughtUp,
                    record -> values.deserialize(record.topic(), record.headers(), record.value()));
        }
    }

    private <T> void scan(String topic, Predicate<String> keys, BiConsumer<String, T> sink, boolean follow,
                          Runnable caughtUp, Function<ConsumerRecord<String, byte[]>, T> decoder) {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
            following = follow ? kafka : null;
            List<TopicPartition> partitions = partitionsOf(kafka, topic);
            if (follow && partitions.isEmpty()) {
                // Nothing was ever written: nothing to catch up on. Wait for the topic to appear.
                caughtUp.run();
                caughtUp = () -> { };
                while (running && partitions.isEmpty()) {
                    Thread.sleep(TOPIC_WAIT.toMillis());
                    partitions = partitionsOf(kafka, topic);
                }
            }
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
            boolean behind = true;
            while (running && (follow || behind)) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(follow ? 200 : 500))) {
                    if (record.value() == null || record.key() == null || !keys.test(record.key())) {
                        continue;
                    }
                    T event;
                    try {
                        event = decoder.apply(record);
                    } catch (RuntimeException e) {
                        LOG.warn("unreadable event at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                        continue;
                    }
                    sink.accept(record.key(), event);
                }
                if (behind && partitions.stream().allMatch(p -> kafka.position(p) >= end.get(p))) {
                    behind = false;
                    caughtUp.run();
                }
            }
        } catch (WakeupException e) {
            // stop() was called.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            following = null;
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> kafka, String topic) {
        return kafka.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }
}
