package io.caresstream.deploy.testing;

import io.caresstream.events.topics.TopicProvisioner;
import io.caresstream.deploy.kafka.LocalKafkaBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One real Kafka broker and one real Apicurio Registry per test JVM, started on first use and stopped
 * when the JVM exits. Without Docker: the KRaft broker in this JVM and the registry as a process.
 * With a reachable Docker engine (or -Dcares.infra=testcontainers): the official images.
 */
public final class TestInfrastructure {

    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    public static final String REGISTRY_IMAGE = "apicurio/apicurio-registry-mem:2.4.2.Final";

    private static TestInfrastructure shared;

    private final String bootstrapServers;
    private final String registryUrl;
    private final String kind;

    private TestInfrastructure(String bootstrapServers, String registryUrl, String kind) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.kind = kind;
    }

    public static synchronized TestInfrastructure shared() {
        if (shared == null) {
            shared = useContainers() ? startContainers() : startLocal();
            // Declared as the services declare them: the project's brokers create no topic by themselves.
            shared.ensureTopics(TopicProvisioner.ALL);
        }
        return shared;
    }

    /** Creates the topics (with the project's settings) that do not exist yet. */
    public void ensureTopics(java.util.Collection<String> topics) {
        try {
            TopicProvisioner.ensure(bootstrapServers, topics, LocalKafkaBroker.DEFAULT_PARTITIONS, (short) 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** "local" or "testcontainers". */
    public String kind() {
        return kind;
    }

    /** The repository root, passed by the build as -Dcares.root (falls back to walking up from the working dir). */
    public static Path projectRoot() {
        String configured = System.getProperty("cares.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("deploy/apicurio-registry").toFile().isDirectory()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root: set -Dcares.root");
        }
        return dir;
    }

    private static boolean useContainers() {
        String choice = System.getProperty("cares.infra", "auto").toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "local" -> false;
            case "testcontainers" -> true;
            default -> dockerReachable();
        };
    }

    private static boolean dockerReachable() {
        // Asking Testcontainers logs errors when there is no engine at all; look for one first.
        boolean socket = java.nio.file.Files.exists(Path.of("/var/run/docker.sock"));
        if (!socket && System.getenv("DOCKER_HOST") == null) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static TestInfrastructure startLocal() {
        Path root = projectRoot();
        LocalKafkaBroker broker = LocalKafkaBroker.start(0);
        LocalRegistry registry = LocalRegistry.start(root, 0, Path.of("target", "apicurio-registry.log").toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            broker.close();
        }, "test-infrastructure-shutdown"));
        return new TestInfrastructure(broker.bootstrapServers(), registry.apiUrl(), "local");
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' own reaper when the JVM exits
    private static TestInfrastructure startContainers() {
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
        kafka.start();
        GenericContainer<?> registry = new GenericContainer<>(REGISTRY_IMAGE)
                .withExposedPorts(8080)
                .withEnv("REGISTRY_RULES_GLOBAL_COMPATIBILITY", "BACKWARD")
                .waitingFor(Wait.forHttp("/apis/registry/v2/system/info"));
        registry.start();
        String registryUrl = "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/registry/v2";
        return new TestInfrastructure(kafka.getBootstrapServers(), registryUrl, "testcontainers");
    }
}
