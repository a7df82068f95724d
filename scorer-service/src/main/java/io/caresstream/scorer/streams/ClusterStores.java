package io.caresstream.scorer.streams;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.scorer.domain.HumanLabel;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.SuiteCount;
import io.caresstream.scorer.domain.Tally;
import io.caresstream.scorer.domain.TallyCodec;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads the topology's stores across every instance of the scorer (the cluster of instances sharing an
 * application id), not only this one's. Each instance holds the partitions it
 * owns: this one's are read in place, the others' through their {@code /internal/stores} endpoints, found
 * from Kafka Streams' metadata (each instance advertises its HTTP address as its application server).
 * Every read throws {@link NotReadyException} while Kafka Streams is starting or an instance holding a part
 * cannot answer, so callers say "not ready" rather than show partial figures. During a rebalance each instance
 * answers from the state it holds (Kafka Streams' stale stores), so the figures stay on screen; the partitions'
 * tallies alone are not ready until it ends (the pages keep the last known figures meanwhile).
 */
@ApplicationScoped
public class ClusterStores {

    /** The stores cannot be read right now. */
    public static class NotReadyException extends RuntimeException {
        NotReadyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One stored entry, as instances pass them to each other (a tally in its block encoding). */
    public record Entry<V>(String key, V value) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(10);

    /** How often the live view asks the other instances for their update versions. */
    static final Duration VERSION_INTERVAL = Duration.ofMillis(100);

    private final KafkaStreams streams;
    /** Holds {@value ScoreTopology#PARTITION_SUITE_COUNTS}; on every instance, like the scorer's own client. */
    private final KafkaStreams promptCounts;
    private final ScoreUpdates updates;
    private final Optional<HostInfo> self;
    private final Map<HostInfo, Long> remoteVersions = new java.util.HashMap<>();
    private long versionsAskedAt = System.nanoTime() - VERSION_INTERVAL.toNanos();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REMOTE_TIMEOUT).build();

    private final ServiceToken serviceToken;

    public ClusterStores(KafkaStreams streams, PromptCountStreams promptCounts, ScoreUpdates updates,
                         ServiceToken serviceToken,
                         @ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> server) {
        this.streams = streams;
        this.promptCounts = promptCounts.streams();
        this.updates = updates;
        this.serviceToken = serviceToken;
        this.self = server.map(HostInfo::buildFromEndpoint);
    }

    // ---- across instances ------------------------------------------------------------------------------

    /** Every score key (model|judge|suite) with its tally: the partitions' tallies, summed. */
    public Map<String, Tally> tallies() {
        Map<String, Tally> byPartition = new LinkedHashMap<>(localAll(ScoreTopology.PARTITION_SCORES));
        this.<byte[]>remoteEntries(ScoreTopology.PARTITION_SCORES, new TypeReference<>() {
        }).forEach((key, bytes) -> byPartition.put(key, TallyCodec.decode(bytes)));
        return PartitionTallies.sumByGroup(byPartition, Tally::plus);
    }

    public Tally tally(String modelId, String judgeId, String suite) {
        return tallies().get(EventKeys.score(modelId, judgeId, suite));
    }

    /** Responses per model and suite, keyed by {@link EventKeys#modelSuite}. */
    public Map<String, ResponseTally> responseTallies() {
        Map<String, ResponseTally> byPartition = new LinkedHashMap<>(localAll(ScoreTopology.PARTITION_RESPONSE_TALLIES));
        byPartition.putAll(remoteEntries(ScoreTopology.PARTITION_RESPONSE_TALLIES, new TypeReference<>() {
        }));
        return PartitionTallies.sumByGroup(byPartition, ResponseTally::plus);
    }

    /** Prompts published to each suite so far. */
    public Map<String, Long> suiteSizes() {
        Map<String, SuiteCount> byPartition = new LinkedHashMap<>(localAll(ScoreTopology.PARTITION_SUITE_COUNTS));
        byPartition.putAll(remoteEntries(ScoreTopology.PARTITION_SUITE_COUNTS, new TypeReference<>() {
        }));
        Map<String, Long> sizes = new LinkedHashMap<>();
        PartitionTallies.sumByGroup(byPartition, SuiteCount::plus).forEach((suite, count) -> sizes.put(suite, count.size()));
        return sizes;
    }

    /** The judgments of one model under one judge on one suite that pass the filter, in key order per instance. */
    public List<JudgmentRow> judgments(String judgeId, String modelId, String suite, Predicate<JudgmentRow> filter) {
        List<JudgmentRow> rows = new ArrayList<>(localJudgments(judgeId, modelId, suite));
        for (HostInfo host : others()) {
            rows.addAll(this.<List<JudgmentRow>>remote(host, "/internal/stores/judgments?judge=" + encode(judgeId)
                    + "&model=" + encode(modelId) + "&suite=" + encode(suite), new TypeReference<>() {
            }));
        }
        // In prompt order, whichever instances hold which partitions: every figure computed from the list (sums
        // of doubles included) is then the same to the last bit however the partitions are spread. One row per
        // prompt: during a rebalance a partition may be read from two instances.
        Map<String, JudgmentRow> byPrompt = new java.util.TreeMap<>();
        rows.stream().filter(filter).forEach(row -> byPrompt.put(row.promptId(), row));
        return List.copyOf(byPrompt.values());
    }

    /** The stored responses of one model to the given prompts, asked of the instance that holds each. */
    public Map<String, ResponseRow> responses(String modelId, Collection<String> promptIds) {
        Map<String, ResponseRow> found = new LinkedHashMap<>();
        responsesByKey(promptIds.stream().map(promptId -> EventKeys.response(modelId, promptId)).toList())
                .values().forEach(row -> found.put(row.promptId(), row));
        return found;
    }

    /** The stored responses under the given keys ({@link EventKeys#response}). */
    public Map<String, ResponseRow> responsesByKey(Collection<String> responseKeys) {
        return byKey(ScoreTopology.RESPONSES, responseKeys, new TypeReference<>() {
        });
    }

    /** The stored judgments under the given keys ({@link EventKeys#judgment}). */
    public Map<String, JudgmentRow> judgmentsByKey(Collection<String> judgmentKeys) {
        return byKey(ScoreTopology.JUDGMENTS, judgmentKeys, new TypeReference<>() {
        });
    }

    /** Every human label, keyed by {@link EventKeys#response}: a global store, whole on every instance. */
    public Map<String, HumanLabel> humanLabels() {
        return localAll(ScoreTopology.HUMAN_LABELS);
    }

    /** The entries of a store under the given keys, each asked of the instance that holds it. */
    private <V> Map<String, V> byKey(String storeName, Collection<String> keys, TypeReference<Map<String, V>> type) {
        List<String> localKeys = new ArrayList<>();
        Map<HostInfo, List<String>> remoteKeys = new LinkedHashMap<>();
        for (String key : keys) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE) || isSelf(owner.activeHost())) {
                localKeys.add(key);
            } else {
                remoteKeys.computeIfAbsent(owner.activeHost(), h -> new ArrayList<>()).add(key);
            }
        }
        Map<String, V> found = new LinkedHashMap<>(localGet(storeName, localKeys));
        // The keys go in the body: a comparison asks for thousands of them, at most MAX_KEYS a request.
        remoteKeys.forEach((host, hostKeys) -> {
            for (int from = 0; from < hostKeys.size(); from += MAX_KEYS) {
                found.putAll(this.remote(host, "/internal/stores/" + storeName + "/keys",
                        hostKeys.subList(from, Math.min(hostKeys.size(), from + MAX_KEYS)), type));
            }
        });
        return found;
    }

    /** The most keys one instance asks another for at once (and answers): a suite the size of CARES-18K fits. */
    public static final int MAX_KEYS = 50_000;

    /**
     * A version that moves whenever a figure changes on any instance: the sum of every instance's own update
     * version. The other instances are asked at most once per {@link #VERSION_INTERVAL}, however many pages watch;
     * one that cannot answer counts as unchanged until it can.
     */
    public long clusterVersion() {
        long now = System.nanoTime();
        synchronized (remoteVersions) {
            if (now - versionsAskedAt >= VERSION_INTERVAL.toNanos()) {
                versionsAskedAt = now;
                List<HostInfo> hosts;
                try {
                    hosts = others();
                } catch (NotReadyException e) {
                    hosts = List.of();
                }
                remoteVersions.keySet().retainAll(hosts);
                for (HostInfo host : hosts) {
                    try {
                        remoteVersions.put(host, this.<Long>remote(host, "/internal/stores/version", new TypeReference<>() {
                        }));
                    } catch (NotReadyException e) {
                        // Keeps the last version it gave; its change shows once it answers again.
                    }
                }
            }
            return updates.version() + remoteVersions.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    // ---- this instance ---------------------------------------------------------------------------------

    /** Every entry of one of this instance's stores. */
    public <V> Map<String, V> localAll(String storeName) {
        Map<String, V> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> entries = this.<V>store(storeName).all()) {
            entries.forEachRemaining(entry -> all.put(entry.key, entry.value));
        } catch (InvalidStateStoreException e) {
            throw notReady(holder(storeName), e);
        }
        return all;
    }

    public List<JudgmentRow> localJudgments(String judgeId, String modelId, String suite) {
        List<JudgmentRow> rows = new ArrayList<>();
        ReadOnlyKeyValueStore<String, JudgmentRow> store = store(ScoreTopology.JUDGMENTS);
        try (KeyValueIterator<String, JudgmentRow> entries = store.prefixScan(
                EventKeys.judgmentPrefix(judgeId, modelId), new StringSerializer())) {
            while (entries.hasNext()) {
                KeyValue<String, JudgmentRow> entry = entries.next();
                if (entry.value.suite().equals(suite)) {
                    rows.add(entry.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
        return rows;
    }

    /** The entries of one of this instance's stores under the given keys (those it holds). */
    public <V> Map<String, V> localGet(String storeName, List<String> keys) {
        ReadOnlyKeyValueStore<String, V> store = store(storeName);
        Map<String, V> rows = new LinkedHashMap<>();
        try {
            keys.forEach(key -> {
                V row = store.get(key);
                if (row != null) {
                    rows.put(key, row);
                }
            });
        } catch (InvalidStateStoreException e) {
            throw notReady(holder(storeName), e);
        }
        return rows;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        KafkaStreams holder = holder(name);
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
                    StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
            // While a rebalance runs (an instance joins, leaves or restarts), the partitions this instance holds
            // answer with the state they have instead of no figures at all until it ends. Not the partitions'
            // tallies: a partition has them only once its task runs, so a sum would leave out the partitions on
            // the move and show figures too low; pages show the last known ones until the rebalance ends.
            if (holder.state() == KafkaStreams.State.REBALANCING) {
                if (PARTITION_TALLIES.contains(name)) {
                    throw notReady(holder, new InvalidStateStoreException("the partitions' tallies are moving"));
                }
                query = query.enableStaleStores();
            }
            return holder.store(query);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // IllegalStateException: Kafka Streams is not running (starting, stopping or failed).
            throw notReady(holder, e);
        }
    }

    /** The stores of each partition's tallies, summed when read (see {@link PartitionTallies}). */
    private static final java.util.Set<String> PARTITION_TALLIES = java.util.Set.of(ScoreTopology.PARTITION_SCORES,
            ScoreTopology.PARTITION_RESPONSE_TALLIES, ScoreTopology.PARTITION_SUITE_COUNTS);

    /** The client that runs the store's topology. */
    private KafkaStreams holder(String storeName) {
        return ScoreTopology.PARTITION_SUITE_COUNTS.equals(storeName) ? promptCounts : streams;
    }

    private NotReadyException notReady(RuntimeException cause) {
        return notReady(streams, cause);
    }

    private NotReadyException notReady(KafkaStreams client, RuntimeException cause) {
        return new NotReadyException("scores are not ready yet (Kafka Streams state: " + client.state()
                + (client == promptCounts ? ", prompt counts" : "") + ")", cause);
    }

    // ---- the other instances ---------------------------------------------------------------------------

    /** The other instances of this application, by the HTTP address each advertises. */
    private List<HostInfo> others() {
        if (self.isEmpty()) {
            return List.of();
        }
        Collection<StreamsMetadata> clients;
        try {
            clients = streams.metadataForAllStreamsClients();
        } catch (IllegalStateException e) {
            throw notReady(e);
        }
        return clients.stream().map(StreamsMetadata::hostInfo).filter(host -> !isSelf(host)).distinct().toList();
    }

    private boolean isSelf(HostInfo host) {
        return self.isEmpty() || self.get().equals(host);
    }

    /** The other instances' entries of a small store (each key is held by one partition, so one instance). */
    private <V> Map<String, V> remoteEntries(String storeName, TypeReference<List<Entry<V>>> type) {
        Map<String, V> entries = new LinkedHashMap<>();
        for (HostInfo host : others()) {
            remote(host, "/internal/stores/" + storeName, type).forEach(entry -> entries.put(entry.key(), entry.value()));
        }
        return entries;
    }

    private <T> T remote(HostInfo host, String path, TypeReference<T> type) {
        return remote(host, path, null, type);
    }

    /** GETs a path of another instance, or POSTs the body as JSON when there is one. */
    private <T> T remote(HostInfo host, String path, Object body, TypeReference<T> type) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REMOTE_TIMEOUT);
            serviceToken.current().ifPresent(token -> request.header("Authorization", "Bearer " + token));
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new NotReadyException("scorer instance " + host + " answered " + response.statusCode()
                        + " for " + path + ": its part of the figures is not ready", null);
            }
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new NotReadyException("scorer instance " + host + " cannot be reached (" + e.getMessage()
                    + "): its part of the figures is missing", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted while asking scorer instance " + host, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
