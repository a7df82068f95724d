package io.caresstream.deploy.testing;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** Writes and reads Avro events on the real broker exactly as the services do (Apicurio 2.x serde). */
public final class AvroTopics {

    private final String bootstrapServers;
    private final String registryUrl;

    public AvroTopics(String bootstrapServers, String registryUrl) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    public static AvroTopics of(TestInfrastructure infrastructure) {
        return new AvroTopics(infrastructure.bootstrapServers(), infrastructure.registryUrl());
    }

    public <T> void produce(String topic, Map<String, T> events) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class,
                SerdeConfig.REGISTRY_URL, registryUrl,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        ClassLoader previous = events.isEmpty() ? null : useClassLoaderOf(events.values().iterator().next().getClass());
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(config)) {
            for (Map.Entry<String, T> event : events.entrySet()) {
                producer.send(new ProducerRecord<>(topic, event.getKey(), event.getValue())).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not produce to " + topic + ": " + e.getCause(), e.getCause());
        } finally {
            if (previous != null) {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }

    /** Writes raw bytes, e.g. a record no consumer can read. */
    public void produceRaw(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not produce to " + topic + ": " + e.getCause(), e.getCause());
        }
    }

    /** Reads the topic from the beginning until a record with the key appears; empty after the timeout. */
    public java.util.Optional<ConsumerRecord<String, byte[]>> readRaw(String topic, String key, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-raw-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return java.util.Optional.of(record);
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Counts the records of a topic that match a filter, from the beginning, as they arrive. It reads every
     * partition directly (no consumer group), so it is positioned when this returns: a count taken later can lag
     * the log by one poll, never by a group join.
     */
    public <T> Tally<T> tally(String topic, Class<T> type, Predicate<T> filter) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class,
                SerdeConfig.REGISTRY_URL, registryUrl);
        KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config);
        List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new Tally<>(consumer, type, filter);
    }

    /** What {@link #tally} counts; close it when done. */
    public static final class Tally<T> implements AutoCloseable {
        private final KafkaConsumer<String, GenericRecord> consumer;
        private final Class<T> type;
        private final Predicate<T> filter;
        private int seen;

        private Tally(KafkaConsumer<String, GenericRecord> consumer, Class<T> type, Predicate<T> filter) {
            this.consumer = consumer;
            this.type = type;
            this.filter = filter;
        }

        /** Reads what arrived since the last call (one short poll) and returns the matching records seen so far. */
        public int seen() {
            org.apache.kafka.clients.consumer.ConsumerRecords<String, GenericRecord> records;
            try {
                records = consumer.poll(Duration.ofMillis(100));
            } catch (org.apache.kafka.common.errors.RecordDeserializationException unreadable) {
                consumer.seek(unreadable.topicPartition(), unreadable.offset() + 1);
                return seen;
            }
            for (ConsumerRecord<String, GenericRecord> record : records) {
                if (record.value() != null && filter.test(toSpecific(record.value(), type))) {
                    seen++;
                }
            }
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Generic to specific through the event class's own loader: inside a Quarkus test several loaders
     * hold the Avro classes, and Avro's shared SpecificData would pick the wrong one.
     */
    private static <T> T toSpecific(GenericRecord record, Class<T> type) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            SpecificData data = new SpecificData(type.getClassLoader());
            Schema readerSchema = data.getSchema(type);
            DatumReader<T> reader = new SpecificDatumReader<>(record.getSchema(), readerSchema, data);
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Avro finds event classes through the context class loader; inside a Quarkus test several loaders
     * hold the Avro classes, so use the one that loaded the caller's event class.
     */
    private static ClassLoader useClassLoaderOf(Class<?> eventType) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(eventType.getClassLoader());
        return previous;
    }

    /**
     * Reads the topic from the beginning until {@code expected} records matching the filter were seen
     * or the timeout passed; returns the matching records (possibly fewer: the caller asserts).
     */
    public <T> List<ConsumerRecord<String, T>> read(String topic, Class<T> type, Predicate<T> filter, int expected,
                                                    Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class,
                SerdeConfig.REGISTRY_URL, registryUrl);
        List<ConsumerRecord<String, T>> matching = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (matching.size() < expected && System.nanoTime() < deadline) {
                org.apache.kafka.clients.consumer.ConsumerRecords<String, GenericRecord> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (org.apache.kafka.common.errors.RecordDeserializationException unreadable) {
                    // A test's deliberately unreadable record on a shared topic: not an event, passed over.
                    consumer.seek(unreadable.topicPartition(), unreadable.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, GenericRecord> record : records) {
                    if (record.value() == null) {
                        continue;
                    }
                    T event = toSpecific(record.value(), type);
                    if (filter.test(event)) {
                        matching.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
                                record.key(), event));
                    }
                }
            }
        }
        return matching;
    }
}
