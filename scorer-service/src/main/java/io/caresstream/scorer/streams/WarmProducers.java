package io.caresstream.scorer.streams;

import io.caresstream.events.topics.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The scorer's Kafka clients, Kafka Streams' own, except that each producer learns the partitions of every topic
 * the scorer writes (its changelogs, its repartition topics, {@code cares.scores}) as soon as its Kafka Streams
 * client runs. A producer otherwise learns them on its first send to each, on a stream thread: in a cold run both
 * stream threads waited 110 ms on the first judgment's changelog write, in the path of its figure
 * (docs/performance.md). Used by both Kafka Streams clients of the scorer, Quarkus' (a bean of these two types)
 * and {@link PromptCountStreams}.
 */
@ApplicationScoped
public class WarmProducers extends DefaultKafkaClientSupplier implements KafkaStreams.StateListener {

    private static final Logger LOG = Logger.getLogger(WarmProducers.class);
    private static final long LIST_TIMEOUT_SECONDS = 10;

    private final String applicationId;
    private final List<Producer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();
    private final ExecutorService learner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "scorer-producers-learn");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Map<String, Object> adminConfig;

    public WarmProducers(@ConfigProperty(name = "quarkus.kafka-streams.application-id") String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        Map<String, Object> own = new HashMap<>(config);
        own.remove(CommonClientConfigs.CLIENT_ID_CONFIG); // a second admin under the same id clashes in JMX
        adminConfig = own;
        return super.getAdmin(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Producer<byte[], byte[]> producer = super.getProducer(config);
        producers.add(producer);
        return producer;
    }

    /** Running: the tasks are assigned and the internal topics exist. */
    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.RUNNING && adminConfig != null && !learner.isShutdown()) {
            learner.execute(this::learnPartitions);
        }
    }

    private void learnPartitions() {
        List<String> written;
        try (Admin admin = Admin.create(adminConfig)) {
            written = admin.listTopics().names().get(LIST_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(topic -> writtenByScorer(applicationId, topic)).sorted().toList();
        } catch (Exception e) {
            LOG.debugf("topics not listed (each producer learns them on its first send): %s", e.getMessage());
            return;
        }
        for (Producer<byte[], byte[]> producer : producers) {
            try {
                written.forEach(producer::partitionsFor);
            } catch (KafkaException | IllegalStateException e) {
                producers.remove(producer); // closed with its stream thread
            }
        }
        LOG.debugf("%d producers know the partitions of %s", producers.size(), written);
    }

    /** The changelogs and repartition topics of either Kafka Streams client of the scorer, and the scores. */
    static boolean writtenByScorer(String applicationId, String topic) {
        return topic.equals(Topics.SCORES) || topic.startsWith(applicationId + "-")
                && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }

    @PreDestroy
    void stop() {
        learner.shutdownNow();
    }
}
