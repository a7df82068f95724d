package io.caresstream.deploy.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalKafkaBrokerTest {

    @TempDir
    Path dir;

    private static void createTopic(LocalKafkaBroker broker, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Set<String> topics(LocalKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(LocalKafkaBroker broker, String topic, String group,
                                                                Duration wait) {
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + wait.toMillis();
            while (read.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            consumer.commitSync();
        }
        return read;
    }

    @Test
    void aBrokerStartedAgainOnItsDataFolderHasItsTopicsRecordsAndOffsetsAndCreatesNoTopicByItself() throws Exception {
        Path data = dir.resolve("kafka-data");
        int port;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(0, Optional.of(data))) {
            port = Integer.parseInt(broker.bootstrapServers().replaceAll(".*:", ""));
            createTopic(broker, "kept");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000))) {
                producer.send(new ProducerRecord<>("kept", "k", "v")).get();
                // No auto-creation: a topic nobody declared does not come into being on first use.
                assertThrows(Exception.class, () -> producer.send(new ProducerRecord<>("undeclared", "k", "v")).get());
            }
            assertEquals(1, readAll(broker, "kept", "reader", Duration.ofSeconds(15)).size());
        }
        try (LocalKafkaBroker again = LocalKafkaBroker.start(port, Optional.of(data))) {
            assertEquals(Set.of("kept"), topics(again).stream().filter(t -> !t.startsWith("__")).collect(Collectors.toSet()));
            assertEquals(List.of("v"), readAll(again, "kept", "another-reader", Duration.ofSeconds(15)).stream()
                    .map(ConsumerRecord::value).toList());
            assertTrue(readAll(again, "kept", "reader", Duration.ofSeconds(3)).isEmpty(),
                    "the group's committed offset survived the restart");
        }
    }

    @Test
    void aRecordProducedTransactionallyIsReadBackCommitted() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(0)) {
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
            createTopic(broker, "broker-test");
            Map<String, Object> producerConfig = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            // Exactly-once scoring needs transactions; a single node must support them.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("broker-test", "k", "v")).get();
                producer.commitTransaction();
            }
            List<ConsumerRecord<String, String>> read = readAll(broker, "broker-test", "broker-test", Duration.ofSeconds(15));
            assertEquals(1, read.size());
            assertEquals("v", read.get(0).value());
        }
    }
}
