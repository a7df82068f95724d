package io.caresstream.deploy.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A service's lag on each of its input topics, each read by its consumer group, sampled from the group's committed offsets twice a
 * second while a run goes on: which input a stage is behind on, and for how long. (With exactly-once the
 * offsets move at each commit, so this is what the group has finished, not what it has read.)
 */
final class ConsumerLag implements AutoCloseable {

    static final long INTERVAL_MS = 500;

    private final Admin admin;
    /** The group that reads each topic, in the table's column order. */
    private final Map<String, String> groups;
    private final List<String> topics;
    private final long startMs;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "consumer-lag-" + r.hashCode());
        thread.setDaemon(true);
        return thread;
    });
    /** Seconds since the start, then the lag on each topic in order. */
    private final List<double[]> samples = new ArrayList<>();

    private ConsumerLag(String bootstrap, Map<String, String> groups, long startMs) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.groups = new LinkedHashMap<>(groups);
        this.topics = List.copyOf(groups.keySet());
        this.startMs = startMs;
    }

    /** Samples the lag on each topic (in order) of the group that reads it from now on, timed from startMs. */
    static ConsumerLag watch(String bootstrap, Map<String, String> groupByTopic, long startMs) {
        ConsumerLag lag = new ConsumerLag(bootstrap, groupByTopic, startMs);
        lag.sampler.scheduleWithFixedDelay(lag::sample, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return lag;
    }

    private void sample() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
            for (String group : new java.util.LinkedHashSet<>(groups.values())) {
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS)
                        .forEach((partition, offset) -> {
                            if (group.equals(groups.get(partition.topic()))) {
                                committed.put(partition, offset);
                            }
                        });
            }
            // A topic not made yet (a scorer's repartition topic before it starts) counts 0 rather than losing the sample.
            Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            List<String> present = topics.stream().filter(existing::contains).toList();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(present).allTopicNames().get(5, TimeUnit.SECONDS)
                    .values().stream().flatMap(topic -> topic.partitions().stream()
                            .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            double[] row = new double[topics.size() + 1];
            row[0] = (System.currentTimeMillis() - startMs) / 1e3;
            ends.forEach((partition, end) -> {
                OffsetAndMetadata done = committed.get(partition);
                row[topics.indexOf(partition.topic()) + 1] += Math.max(0, end.offset() - (done == null ? 0 : done.offset()));
            });
            synchronized (samples) {
                samples.add(row);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a sample missed while the broker is busy: the next one comes half a second later
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The largest lag seen on each topic. */
    Map<String, Long> peaks() {
        Map<String, Long> peaks = new LinkedHashMap<>();
        synchronized (samples) {
            for (int t = 0; t < topics.size(); t++) {
                int column = t + 1;
                peaks.put(topics.get(t), (long) samples.stream().mapToDouble(row -> row[column]).max().orElse(0));
            }
        }
        return peaks;
    }

    /** Writes the samples as a table: seconds since the start, then one column of lag per topic. */
    void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("seconds\t" + String.join("\t", topics));
        synchronized (samples) {
            for (double[] row : samples) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.1f", row[0]));
                for (int t = 1; t < row.length; t++) {
                    line.append('\t').append((long) row[t]);
                }
                lines.add(line.toString());
            }
        }
        Files.write(file, lines);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
