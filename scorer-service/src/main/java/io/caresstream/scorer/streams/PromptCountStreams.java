package io.caresstream.scorer.streams;

import io.quarkus.kafka.streams.runtime.KafkaStreamsTopologyManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Properties;

/**
 * The prompt counts ({@link ScoreTopology#promptCounts()}) on a Kafka Streams client of their own, beside the
 * one Quarkus runs for the judgments and responses. Kafka Streams cannot pin tasks to threads, and a stream
 * thread works through everything a poll returned and commits it as one transaction: on a shared client the
 * 10,000 prompts of an import held the threads, and every judgment's figure waited for them (measured in
 * docs/performance.md). On their own client the prompts have their own thread, consumer, producer and
 * transactions, so an import no longer holds a judgment's figure back.
 *
 * <p>It runs with the scorer's Kafka Streams settings (exactly-once, state directory, security, the RocksDB
 * budget, which both clients share), under its own application id, {@code <scorer's>-prompts}: its own
 * consumer group, internal topics and transactional ids. A scorer upgraded from a release that counted the
 * prompts on the one client counts them again from the prompt log once, into the new client's stores.
 */
@ApplicationScoped
public class PromptCountStreams {

    private static final Logger LOG = Logger.getLogger(PromptCountStreams.class);

    /** Appended to the scorer's application id. */
    public static final String APPLICATION_ID_SUFFIX = "-prompts";

    /** Quarkus closes the scorer's own client without a bound; this one gets a generous one. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final KafkaStreamsTopologyManager topics;
    private boolean closed;

    @Inject
    public PromptCountStreams(StreamsConfig scorerConfig, ScoreTopology topology, StreamThreadRecovery recovery,
                              KafkaStreamsTopologyManager topics, WarmProducers clients,
                              @ConfigProperty(name = "cares.scorer.prompt-count-threads", defaultValue = "1") int threads) {
        Properties config = new Properties();
        config.putAll(scorerConfig.originals());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(scorerConfig));
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        this.streams = new KafkaStreams(topology.promptCounts(), config, clients);
        this.streams.setUncaughtExceptionHandler(recovery);
        this.streams.setStateListener(clients);
        this.topics = topics;
    }

    /** The application id of the prompt counts for a scorer with these settings. */
    public static String applicationId(StreamsConfig scorerConfig) {
        return scorerConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG) + APPLICATION_ID_SUFFIX;
    }

    /** Started as Quarkus starts the scorer's own client: once the input topics exist, off the start thread. */
    void start(@Observes StartupEvent event) {
        Thread starter = new Thread(() -> {
            try {
                topics.waitForTopicsToBeCreated();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (!closed) {
                    streams.start();
                }
            }
        }, "prompt-counts-start");
        starter.setDaemon(true);
        starter.start();
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            closed = true;
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            LOG.warnf("the prompt counts' Kafka Streams client did not close within %s", CLOSE_TIMEOUT);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Like Quarkus' check of the scorer's own client: alive while running or rebalancing. */
    @Liveness
    @ApplicationScoped
    static class State implements HealthCheck {

        @Inject
        PromptCountStreams promptCounts;

        @Override
        public HealthCheckResponse call() {
            KafkaStreams.State state = promptCounts.streams().state();
            return HealthCheckResponse.named("Kafka Streams state health check (prompt counts)")
                    .status(state.isRunningOrRebalancing()).withData("state", state.name()).build();
        }
    }
}
