package io.caresstream.deploy.kafka;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A real KRaft Kafka broker built from the Apache Kafka jars, bound to 127.0.0.1: a single node, or one
 * node of a cluster whose nodes are each broker and controller (three nodes keep a quorum and every
 * replicated partition writable while one of them is down).
 * Tests start a single node in their own JVM; the local stack runs {@link #main} as a process per node.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** One node of a cluster: its id, client port and controller (quorum) port on 127.0.0.1. */
    public record Node(int id, int port, int controllerPort) {

        /** Parses id:port:controllerPort. */
        static Node parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("a node is id:port:controller-port, not " + text);
            }
            return new Node(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }

        @Override
        public String toString() {
            return id + ":" + port + ":" + controllerPort;
        }
    }

    /** Nodes a partition is written to before a write with acks=all is acknowledged, in a cluster of three or more. */
    public static final int CLUSTER_MIN_IN_SYNC = 2;

    /** Partitions of the project's topics: enough for a few instances of one service to share the work. */
    public static final int DEFAULT_PARTITIONS = 4;

    private final EmbeddedKafkaBroker broker;

    private LocalKafkaBroker(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /** Starts a broker on the given port (0 = any free port) with its data in a new folder, deleted on close. */
    public static LocalKafkaBroker start(int port) {
        return start(port, Optional.empty());
    }

    /**
     * Starts a broker on the given port (0 = any free port). With a data folder, the log is kept there and a
     * broker started again on the same folder (after a crash, say) finds every topic, event and consumer
     * offset where it was; without one, a new folder is used and deleted on close. Takes about 1.5 s.
     */
    public static LocalKafkaBroker start(int port, Optional<Path> dataDir) {
        List<Integer> free = FreePorts.distinct(2, Set.of(port));
        Node node = new Node(0, port == 0 ? free.get(0) : port, free.get(1));
        return start(node, List.of(node), Optional.empty(), dataDir);
    }

    /**
     * Starts one node of a cluster (every node is broker and controller). All nodes are started with the same
     * node list and cluster id; each keeps its data in its own folder. The cluster serves clients once a
     * majority of the nodes runs.
     */
    public static LocalKafkaBroker startNode(Node self, List<Node> cluster, String clusterId, Path dataDir) {
        return start(self, cluster, Optional.of(clusterId), Optional.of(dataDir));
    }

    private static LocalKafkaBroker start(Node self, List<Node> cluster, Optional<String> clusterId, Optional<Path> dataDir) {
        // Internal topics (offsets, transactions for exactly-once) and event topics are replicated to three
        // nodes where there are three, and a write needs two of them.
        String replication = String.valueOf(Math.min(3, cluster.size()));
        String minInSync = String.valueOf(cluster.size() >= 3 ? CLUSTER_MIN_IN_SYNC : 1);
        String voters = String.join(",", cluster.stream().map(n -> n.id() + "@127.0.0.1:" + n.controllerPort()).toList());
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(self.id())
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(self.port())
                .withControllerPort(self.controllerPort())
                .withDeleteLogDirsOnClose(dataDir.isEmpty())
                .withAdditionalProperties(props -> {
                    props.put("controller.quorum.voters", voters);
                    props.put("offsets.topic.replication.factor", replication);
                    props.put("transaction.state.log.replication.factor", replication);
                    props.put("transaction.state.log.min.isr", minInSync);
                    props.put("default.replication.factor", replication);
                    props.put("min.insync.replicas", minInSync);
                    props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
                    // Topics are declared by the services (TopicProvisioner), never created by a client's first
                    // touch with the broker's defaults, which would expire the log.
                    props.put("auto.create.topics.enable", "false");
                    // Consumers join at once instead of waiting 3 s for more members.
                    props.put("group.initial.rebalance.delay.ms", "0");
                    dataDir.ifPresent(dir -> props.put("log.dir", dir.toAbsolutePath().toString()));
                });
        // A folder formatted before keeps its cluster id; the broker is started on it as it was.
        clusterId.or(() -> dataDir.flatMap(LocalKafkaBroker::clusterIdIn)).ifPresent(broker::withClusterId);
        dataDir.ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the broker's data folder " + dir, e);
            }
        });
        return new LocalKafkaBroker(broker.start());
    }

    private static Optional<String> clusterIdIn(Path dataDir) {
        Path meta = dataDir.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(meta)) {
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty("cluster.id"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
    }

    /** The bootstrap servers string clients use, e.g. 127.0.0.1:9092. */
    public String bootstrapServers() {
        String listeners = broker.getAdvertisedListeners();
        // Advertised listeners look like PLAINTEXT://127.0.0.1:9092; clients want host:port.
        return listeners.replaceAll("[A-Z_]+://", "");
    }

    @Override
    public void close() {
        broker.close();
    }

    /** A new cluster id, for the nodes of a new cluster. */
    public static String newClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    /**
     * Runs the broker until the process is stopped. Usage: {@code LocalKafkaBroker [port [data-folder]]} (default
     * 9092; without a folder the log lives in a temporary one and is gone when the broker stops), or for one node
     * of a cluster {@code LocalKafkaBroker --node ID --cluster CLUSTER-ID --nodes id:port:controller-port,...
     * --data DATA-FOLDER}.
     */
    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        LocalKafkaBroker broker;
        String ready;
        if (args.length > 0 && args[0].startsWith("--")) {
            java.util.Map<String, String> options = new java.util.HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                options.put(args[i], args[i + 1]);
            }
            List<Node> nodes = java.util.Arrays.stream(required(options, "--nodes").split(",")).map(Node::parse).toList();
            int id = Integer.parseInt(required(options, "--node"));
            Node self = nodes.stream().filter(n -> n.id() == id).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--node " + id + " is not among --nodes"));
            broker = startNode(self, nodes, required(options, "--cluster"), Path.of(required(options, "--data")));
            ready = "node " + id + " of " + nodes.size();
        } else {
            int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
            Optional<Path> dataDir = args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.empty();
            broker = start(port, dataDir);
            ready = "single node";
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.printf("Kafka broker (KRaft, %s) ready at %s in %d ms%n", ready,
                broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        stopped.await();
    }

    private static String required(java.util.Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name + " (usage: --node ID --cluster CLUSTER-ID"
                    + " --nodes id:port:controller-port,... --data DATA-FOLDER)");
        }
        return value;
    }
}
