package io.caresstream.deploy.kafka;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * A real single-node KRaft Kafka broker built from the Apache Kafka jars, bound to 127.0.0.1.
 * Tests start it in their own JVM; the local stack runs {@link #main} as a process.
 */
public final class LocalKafkaBroker implements AutoCloseable {

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
        int kafkaPort = port == 0 ? freePort() : port;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(kafkaPort)
                .withControllerPort(freePort())
                .withDeleteLogDirsOnClose(dataDir.isEmpty())
                .withAdditionalProperties(props -> {
                    // One node: internal topics (offsets, transactions for exactly-once) need replication 1.
                    props.put("offsets.topic.replication.factor", "1");
                    props.put("transaction.state.log.replication.factor", "1");
                    props.put("transaction.state.log.min.isr", "1");
                    props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
                    // Topics are declared by the services (TopicProvisioner), never created by a client's first
                    // touch with the broker's defaults, which would expire the log.
                    props.put("auto.create.topics.enable", "false");
                    // Consumers join at once instead of waiting 3 s for more members.
                    props.put("group.initial.rebalance.delay.ms", "0");
                    dataDir.ifPresent(dir -> props.put("log.dir", dir.toAbsolutePath().toString()));
                });
        // A folder formatted before keeps its cluster id; the broker is started on it as it was.
        dataDir.flatMap(LocalKafkaBroker::clusterIdIn).ifPresent(broker::withClusterId);
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

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    /**
     * Runs the broker until the process is stopped. Usage: LocalKafkaBroker [port [data-folder]] (default 9092;
     * without a folder the log lives in a temporary one and is gone when the broker stops).
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        Optional<Path> dataDir = args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.empty();
        long started = System.nanoTime();
        LocalKafkaBroker broker = start(port, dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.printf("Kafka broker (KRaft, single node) ready at %s in %d ms%n",
                broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        stopped.await();
    }
}
