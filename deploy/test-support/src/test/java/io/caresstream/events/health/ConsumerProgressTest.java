package io.caresstream.events.health;

import io.caresstream.deploy.testing.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness turns false when records wait and the group commits nothing for longer than the limit, on a real broker. */
class ConsumerProgressTest {

    private final TestInfrastructure infrastructure = TestInfrastructure.shared();

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aBacklogWithoutProgressMakesTheServiceUnreadyUntilItMovesAgain() throws Exception {
        String topic = "progress.input";
        String group = "progress-test-group";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     infrastructure.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
            commit(admin, group, partition, 2);

            MovableClock clock = new MovableClock();
            ConsumerProgress check = new ConsumerProgress(clock);
            check.bootstrapServers = infrastructure.bootstrapServers();
            check.security = io.caresstream.events.security.ClientSecurity.none();
            check.group = Optional.of(group);
            check.topics = Optional.of(List.of(topic));
            check.stallAfter = Duration.ofSeconds(60);
            try {
                ConsumerProgress.Verdict first = check.evaluate();
                assertTrue(first.ready(), first.toString());
                assertEquals(3L, first.data().get("lag"));

                clock.advance(Duration.ofSeconds(61));
                ConsumerProgress.Verdict stalled = check.evaluate();
                assertFalse(stalled.ready(), stalled.toString());
                String reason = String.valueOf(stalled.data().get("reason"));
                assertTrue(reason.contains("3 records wait on progress.input") && reason.contains("61 s"), reason);

                commit(admin, group, partition, 4);
                clock.advance(Duration.ofSeconds(1));
                assertTrue(check.evaluate().ready(), "progress makes it ready again");

                clock.advance(Duration.ofSeconds(120));
                assertFalse(check.evaluate().ready(), "stalled again");
                commit(admin, group, partition, 5);
                clock.advance(Duration.ofSeconds(600));
                assertTrue(check.evaluate().ready(), "nothing waiting: idle, not stalled");

                check.idleBecause = () -> Optional.of("model paused");
                producer.send(new ProducerRecord<>(topic, "k5", "v5")).get(30, TimeUnit.SECONDS);
                check.evaluate();
                clock.advance(Duration.ofSeconds(600));
                ConsumerProgress.Verdict paused = check.evaluate();
                assertTrue(paused.ready() && "model paused".equals(paused.data().get("idle")), paused.toString());

                // The log emptied under the service (as a broker that lost its data would leave it): not ready at once.
                check.idleBecause = null;
                commit(admin, group, partition, 50);
                ConsumerProgress.Verdict emptied = check.evaluate();
                assertFalse(emptied.ready(), emptied.toString());
                assertTrue(String.valueOf(emptied.data().get("reason")).contains("progress.input-0 ends at 6 but the group had reached 50"),
                        emptied.toString());

                // A topic that is gone says so.
                check.topics = Optional.of(List.of("progress.missing"));
                ConsumerProgress.Verdict missing = check.evaluate();
                assertFalse(missing.ready(), missing.toString());
                assertTrue(String.valueOf(missing.data().get("reason")).contains("does not exist"), missing.toString());
            } finally {
                check.close();
            }
        }
    }

    @Test
    void aTopicAnotherGroupOfTheServiceReadsIsMeasuredByThatGroupAlone() throws Exception {
        String mine = "progress.mine";
        String theirs = "progress.theirs";
        String group = "progress-main-group";
        String other = "progress-other-group";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     infrastructure.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(mine, 1, (short) 1), new NewTopic(theirs, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(mine, "k" + i, "v")).get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(theirs, "k" + i, "v")).get(30, TimeUnit.SECONDS);
            }
            commit(admin, group, new TopicPartition(mine, 0), 4);
            // What the main group read of the other topic before another group took it over: no longer its work.
            commit(admin, group, new TopicPartition(theirs, 0), 1);
            commit(admin, other, new TopicPartition(theirs, 0), 3);

            MovableClock clock = new MovableClock();
            ConsumerProgress check = new ConsumerProgress(clock);
            check.bootstrapServers = infrastructure.bootstrapServers();
            check.security = io.caresstream.events.security.ClientSecurity.none();
            check.group = Optional.of(group);
            check.topics = Optional.of(List.of(mine, theirs));
            check.topicGroups = Optional.of(List.of(theirs + ":" + other));
            check.stallAfter = Duration.ofSeconds(60);
            try {
                ConsumerProgress.Verdict verdict = check.evaluate();
                assertTrue(verdict.ready(), verdict.toString());
                assertEquals(1L, verdict.data().get("lag"), "the other group's one record to go, not the main group's three");
                assertEquals(group + "," + other, verdict.data().get("group"));

                clock.advance(Duration.ofSeconds(61));
                assertFalse(check.evaluate().ready(), "the other group's stall makes the service unready");
                commit(admin, other, new TopicPartition(theirs, 0), 4);
                assertTrue(check.evaluate().ready(), "and its progress ready again");

                check.topicGroups = Optional.of(List.of(theirs));
                IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, check::evaluate);
                assertTrue(wrong.getMessage().contains("cares.health.topic-groups: 'progress.theirs' is not topic:group"),
                        wrong.getMessage());
            } finally {
                check.close();
            }
        }
    }

    private static void commit(Admin admin, String group, TopicPartition partition, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(offset))).all().get(30, TimeUnit.SECONDS);
    }
}
