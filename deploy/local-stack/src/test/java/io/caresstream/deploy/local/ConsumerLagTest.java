package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lag the e2e benchmark reports for the scorer, on a real broker: records written less records committed. */
class ConsumerLagTest {

    @Test
    void theLagIsWhatTheGroupReadingEachTopicHasNotCommittedOnIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TestInfrastructure kafka = TestInfrastructure.shared();
        String stamp = String.valueOf(System.nanoTime());
        String ahead = "lag-ahead-" + stamp;
        String done = "lag-done-" + stamp;
        String group = "lag-group-" + stamp;
        String other = "lag-other-group-" + stamp;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            admin.createTopics(List.of(new NewTopic(ahead, 2, (short) 1), new NewTopic(done, 1, (short) 1))).all().get();
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(ahead, i % 2, "k" + i, "v"));
                producer.send(new ProducerRecord<>(done, 0, "k" + i, "v"));
            }
            producer.flush();
            // The group has finished 10 records of one partition of the first topic; the other group, which reads
            // the second, all of it (the first group's offsets there are from before: not its work any more).
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(ahead, 0), new OffsetAndMetadata(10),
                    new TopicPartition(done, 0), new OffsetAndMetadata(3))).all().get();
            admin.alterConsumerGroupOffsets(other, Map.of(new TopicPartition(done, 0), new OffsetAndMetadata(30))).all().get();

            Map<String, String> groups = new java.util.LinkedHashMap<>();
            groups.put(ahead, group);
            groups.put(done, other);
            try (ConsumerLag lag = ConsumerLag.watch(kafka.bootstrapServers(), groups, System.currentTimeMillis())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (lag.peaks().get(ahead) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(Map.of(ahead, 20L, done, 0L), lag.peaks(), "5 left on one partition, 15 never read");
                Path table = dir.resolve("lag.tsv");
                lag.write(table);
                List<String> lines = Files.readAllLines(table);
                assertEquals("seconds\t" + ahead + "\t" + done, lines.get(0));
                assertTrue(lines.get(1).endsWith("\t20\t0"), lines.toString());
            }
        }
    }
}
