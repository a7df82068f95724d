package io.caresstream.deploy.kafka;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;

/**
 * A real single-node KRaft Kafka broker built from the Apache Kafka jars, bound to 127.0.0.1.
 * Tests start it in their own JVM; the local stack runs {@link #main} as a process.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** Partitions of auto-created topics: enough for a few instances of one service to share the work. */
    public static final int DEFAULT_PARTITIONS = 4;

    private final EmbeddedKafkaBroker broker;

    private LocalKafkaBroker(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /** Starts a broker on the given port (0 = any free port). Takes about 1.5 s. */
    public static LocalKafkaBroker start(int port) {
        int kafkaPort = port == 0 ? freePort() : port;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withNodeId(0)
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(kafkaPort)
                .withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(props -> {
                    // One node: internal topics (offsets, transactions for exactly-once) need replication 1.
                    props.put("offsets.topic.replication.factor", "1");
                    props.put("transaction.state.log.replication.factor", "1");
                    props.put("transaction.state.log.min.isr", "1");
                    props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
                    props.put("auto.create.topics.enable", "true");
                    // Consumers join at once instead of waiting 3 s for more members.
                    props.put("group.initial.rebalance.delay.ms", "0");
                })
                .start();
        return new LocalKafkaBroker(broker);
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

    /** Runs the broker until the process is stopped. Usage: LocalKafkaBroker [port] (default 9092). */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        long started = System.nanoTime();
        LocalKafkaBroker broker = start(port);
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
