package io.caresstream.deploy.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that holds back a producer's acknowledgements for seconds, as a slow or recovering cluster would: a
 * byte-rate quota of 2 KB/s on the producer's client id, spent ahead of it (40 KB under the same id, twice the
 * quota's rate over its 10 s window). The broker answers the producer's next request at once and then holds the
 * following ones back until the rate falls under the quota; the stall ends by itself, quota or not.
 */
public final class ProducerThrottle implements AutoCloseable {

    private static final String SCRATCH = "test-throttle-scratch";

    private final Admin admin;
    private final String clientId;

    private ProducerThrottle(Admin admin, String clientId) {
        this.admin = admin;
        this.clientId = clientId;
    }

    /** Throttles the producer with this client id (SmallRye names a channel's producer kafka-producer-CHANNEL). */
    public static ProducerThrottle on(TestInfrastructure kafka, String clientId) throws ExecutionException, InterruptedException {
        ProducerThrottle throttle = new ProducerThrottle(Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())), clientId);
        throttle.quota(2048.0);
        throttle.overspend(kafka.bootstrapServers());
        return throttle;
    }

    private void overspend(String bootstrapServers) throws ExecutionException, InterruptedException {
        if (!admin.listTopics().names().get().contains(SCRATCH)) {
            admin.createTopics(List.of(new NewTopic(SCRATCH, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.CLIENT_ID_CONFIG, clientId),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(SCRATCH, new byte[1024])).get();
            }
        }
    }

    /** A byte-rate quota on the client id; null lifts it. */
    private void quota(Double bytesPerSecond) throws ExecutionException, InterruptedException {
        ClientQuotaEntity producer = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(producer, List.of(
                new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond))))).all().get();
    }

    /**
     * Watches calls made (billed on the simulated server) against results on the log until all {@code total} are
     * on it: billed but not on the log never exceeds {@code limit}, and the stall held the calls at the limit at
     * least once (else nothing was shown). Calls counted before the log is read are a lower bound of those made
     * when it was read; {@code logged} must never count fewer than are on the log ({@link AvroTopics#tally}, made
     * before the first call: a reader that joins a group afresh each time can see none for a moment).
     */
    public static void assertUnloggedAtMost(int limit, int total, LongSupplier made, IntSupplier logged) {
        boolean reached = false;
        int onLog = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (onLog < total && System.nanoTime() < deadline) {
            long madeBefore = made.getAsLong();
            onLog = logged.getAsInt();
            long madeAfter = made.getAsLong();
            assertTrue(madeBefore - onLog <= limit,
                    "billed but not on the log: " + madeBefore + " calls made, " + onLog + " results on the log");
            reached |= madeBefore == madeAfter && madeAfter - onLog == limit;
        }
        assertEquals(total, onLog, "every result on the log");
        assertTrue(reached, "the stalled broker held the calls at " + limit + " at least once");
    }

    /** Lifts the quota (a stall under way still runs its course). */
    @Override
    public void close() throws ExecutionException, InterruptedException {
        try {
            quota(null);
        } finally {
            admin.close();
        }
    }
}
