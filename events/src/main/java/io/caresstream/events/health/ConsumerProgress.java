package io.caresstream.events.health;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness that tells the truth about the work: a service whose consumer group has records waiting on its
 * input topic and has committed no progress for {@code cares.health.stall-after} (default 2 minutes) is not
 * ready, and says how much waits and for how long. That is what a consumer stuck on a broker that lost its
 * log, or a stream whose transactions keep failing, looks like from outside. A topic that is gone, or whose
 * log now ends before the offsets the group had committed (a broker that lost its data), makes it not ready at
 * once. A service idle on purpose (see {@link IdleReason}) stays ready. Off unless
 * {@code cares.health.consumer-group} is set.
 */
@Readiness
@ApplicationScoped
public class ConsumerProgress implements HealthCheck {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @jakarta.inject.Inject
    io.caresstream.events.security.ClientSecurity security;

    @ConfigProperty(name = "cares.health.consumer-group")
    Optional<String> group;

    @ConfigProperty(name = "cares.health.input-topics")
    Optional<List<String>> topics;

    /**
     * Input topics that another consumer group of the same service reads, each as {@code topic:group} (the
     * scorer counts the prompts on a Kafka Streams client of its own); the others are the main group's.
     */
    @ConfigProperty(name = "cares.health.topic-groups")
    Optional<List<String>> topicGroups = Optional.empty();

    @ConfigProperty(name = "cares.health.stall-after", defaultValue = "PT2M")
    Duration stallAfter;

    @Inject
    Instance<IdleReason> idle;

    /** Set instead of the injected one where there is no CDI container (tests). */
    IdleReason idleBecause;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsumerProgress.class);

    private final java.util.concurrent.atomic.AtomicReference<Boolean> lastReady = new java.util.concurrent.atomic.AtomicReference<>();
    private final Clock clock;
    private Admin admin;
    private final Progress progress = new Progress();

    public ConsumerProgress() {
        this(Clock.systemUTC());
    }

    ConsumerProgress(Clock clock) {
        this.clock = clock;
    }

    /**
     * What the samples so far say: progress is a change in the committed offsets; a stall is records waiting with
     * no such change for longer than the limit.
     */
    static final class Progress {
        private Map<TopicPartition, Long> lastCommitted = Map.of();
        private long lastChangeMillis = -1;

        /** Records a sample; returns how long the group has made no progress while records waited (0 if none wait). */
        synchronized Duration sample(Map<TopicPartition, Long> committed, long lag, long nowMillis) {
            if (!committed.equals(lastCommitted) || lastChangeMillis < 0 || lag == 0) {
                lastCommitted = Map.copyOf(committed);
                lastChangeMillis = nowMillis;
            }
            return lag == 0 ? Duration.ZERO : Duration.ofMillis(nowMillis - lastChangeMillis);
        }
    }

    /** The check's answer, apart from the health API that reports it. */
    record Verdict(boolean ready, Map<String, Object> data) {
    }

    @Override
    public HealthCheckResponse call() {
        Verdict verdict = evaluate();
        // Said in the log when it turns, not at every probe.
        Boolean before = lastReady.getAndSet(verdict.ready());
        if (!verdict.ready() && !Boolean.FALSE.equals(before)) {
            LOG.warn("not ready: {}", verdict.data().get("reason"));
        } else if (verdict.ready() && Boolean.FALSE.equals(before)) {
            LOG.info("ready again: the consumer group {} makes progress", group.orElse(""));
        }
        var response = HealthCheckResponse.named("consumer progress").status(verdict.ready());
        verdict.data().forEach((key, value) -> {
            if (value instanceof Long number) {
                response.withData(key, number);
            } else {
                response.withData(key, String.valueOf(value));
            }
        });
        return response.build();
    }

    Verdict evaluate() {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        if (group.isEmpty() || topics.isEmpty()) {
            data.put("checked", "no (cares.health.consumer-group not set)");
            return new Verdict(true, data);
        }
        data.put("group", String.join(",", topicsByGroup().keySet()));
        IdleReason source = idleBecause != null ? idleBecause : idle != null && idle.isResolvable() ? idle.get() : null;
        Optional<String> idleReason = source == null ? Optional.empty() : source.now();
        try {
            Map<TopicPartition, Long> committed = committed();
            Map<TopicPartition, Long> end = endOffsets();
            List<String> emptied = new java.util.ArrayList<>();
            committed.forEach((partition, offset) -> {
                Long last = end.get(partition);
                if (last != null && offset > last) {
                    emptied.add(partition + " ends at " + last + " but the group had reached " + offset);
                }
            });
            if (!emptied.isEmpty()) {
                // A broker that lost its log, or a topic deleted and made again: the work done is no longer there.
                data.put("reason", "the log was emptied or re-created under this service: " + String.join("; ", emptied));
                return new Verdict(false, data);
            }
            long lag = 0;
            for (var partition : end.entrySet()) {
                lag += Math.max(0, partition.getValue() - committed.getOrDefault(partition.getKey(), 0L));
            }
            Duration stalled = progress.sample(committed, lag, clock.millis());
            data.put("lag", lag);
            data.put("stalledSeconds", stalled.toSeconds());
            if (idleReason.isPresent()) {
                data.put("idle", idleReason.get());
                return new Verdict(true, data);
            }
            if (stalled.compareTo(stallAfter) > 0) {
                data.put("reason", lag + " records wait on " + String.join(",", topics.get())
                        + " and the group has committed no progress for " + stalled.toSeconds() + " s");
                return new Verdict(false, data);
            }
            return new Verdict(true, data);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            data.put("reason", cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException
                    ? "an input topic of " + String.join(",", topics.get()) + " does not exist (deleted, or the broker"
                    + " lost its log): " + cause.getMessage()
                    : "cannot read the group's offsets from Kafka: " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage());
            return new Verdict(false, data);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            data.put("reason", "interrupted");
            return new Verdict(false, data);
        }
    }

    /** The input topics by the group that reads them. */
    Map<String, List<String>> topicsByGroup() {
        Map<String, String> others = new HashMap<>();
        for (String entry : topicGroups.orElse(List.of())) {
            int colon = entry.indexOf(':'); // a topic name has no colon
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("cares.health.topic-groups: '" + entry + "' is not topic:group");
            }
            others.put(entry.substring(0, colon), entry.substring(colon + 1));
        }
        Map<String, List<String>> byGroup = new java.util.LinkedHashMap<>();
        for (String topic : topics.get()) {
            byGroup.computeIfAbsent(others.getOrDefault(topic, group.get()), g -> new java.util.ArrayList<>()).add(topic);
        }
        return byGroup;
    }

    private Map<TopicPartition, Long> committed() throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (var groupTopics : topicsByGroup().entrySet()) {
            // Only the group's own topics: a group may keep offsets of a topic it no longer reads.
            admin().listConsumerGroupOffsets(groupTopics.getKey()).partitionsToOffsetAndMetadata()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((partition, offset) -> {
                        if (offset != null && groupTopics.getValue().contains(partition.topic())) {
                            committed.put(partition, offset.offset());
                        }
                    });
        }
        return committed;
    }

    private Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (var description : admin().describeTopics(topics.get()).allTopicNames()
                .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
            description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()),
                    OffsetSpec.latest()));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin().listOffsets(request).all()
                .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> end = new HashMap<>();
        offsets.forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>(security.kafka());
            config.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis()));
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
