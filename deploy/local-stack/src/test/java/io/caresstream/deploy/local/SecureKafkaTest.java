package io.caresstream.deploy.local;

import io.caresstream.deploy.kafka.SecuredKafkaBroker;
import io.caresstream.deploy.kafka.SecuredKafkaBroker.Grant;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The whole stack on a broker that takes only TLS with SCRAM users and enforces ACLs: each service connects as its
 * own principal, which may read and write its own topics and groups and nothing else. The suite is still scored in
 * full; and each principal is refused outside its grants.
 */
class SecureKafkaTest {

    private static final List<String> SERVICES = LocalStack.ALL_SERVICES;

    /** What each service's principal may do: its own topics and consumer groups, and reading its inputs. */
    static List<Grant> grants(String service) {
        List<Grant> grants = new ArrayList<>();
        switch (service) {
            case "prompt-generator" -> {
                grants.add(grant(service, TOPIC, "cares.prompts", LITERAL, ALL));
                grants.add(grant(service, GROUP, "prompt-generator.", PREFIXED, READ));
            }
            case "model-invoker" -> {
                grants.add(grant(service, TOPIC, "cares.prompts", LITERAL, READ));
                grants.add(grant(service, TOPIC, "cares.responses", LITERAL, ALL));
                grants.add(grant(service, TOPIC, "cares.prompts.dlq.model-invoker", LITERAL, ALL));
                // Each model's own answered topic, which its invokers create and read.
                grants.add(grant(service, TOPIC, "cares.answered.", PREFIXED, ALL));
                grants.add(grant(service, GROUP, "model-invoker.", PREFIXED, READ));
            }
            case "judge-service" -> {
                grants.add(grant(service, TOPIC, "cares.responses", LITERAL, READ));
                grants.add(grant(service, TOPIC, "cares.judgments", LITERAL, ALL));
                grants.add(grant(service, TOPIC, "cares.responses.dlq.judge-service", LITERAL, ALL));
                grants.add(grant(service, TOPIC, "cares.judged.", PREFIXED, ALL));
                grants.add(grant(service, GROUP, "judge-service.", PREFIXED, READ));
            }
            case "scorer-service" -> {
                for (String input : List.of("cares.prompts", "cares.responses", "cares.judgments")) {
                    grants.add(grant(service, TOPIC, input, LITERAL, READ));
                    grants.add(grant(service, TOPIC, input + ".dlq.scorer-service", LITERAL, ALL));
                }
                grants.add(grant(service, TOPIC, "cares.scores", LITERAL, ALL));
                // Kafka Streams' changelog and repartition topics, its group and its transactions.
                grants.add(grant(service, TOPIC, "scorer-service-", PREFIXED, ALL));
                grants.add(grant(service, GROUP, "scorer-service", LITERAL, READ));
                grants.add(grant(service, TRANSACTIONAL_ID, "scorer-service", PREFIXED, WRITE));
            }
            default -> throw new IllegalArgumentException(service);
        }
        return grants;
    }

    private static Grant grant(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new Grant(user, type, name, pattern, operation);
    }

    @Test
    void everyServiceConnectsAsItsOwnPrincipalAndIsRefusedOutsideItsGrants() throws Exception {
        Path root = TestInfrastructure.projectRoot();
        Path work = Path.of("target", "secure-kafka").toAbsolutePath();
        try (SecuredKafkaBroker broker = SecuredKafkaBroker.start(work.resolve("tls"))) {
            // The operator's part: the topics, a user per service, and its grants.
            TopicProvisioner.ensure(broker.adminBootstrap(), TopicProvisioner.ALL, 4, (short) 1);
            Map<String, Map<String, String>> clients = new LinkedHashMap<>();
            List<String> passwords = new ArrayList<>();
            Map<String, Map<String, String>> perService = new LinkedHashMap<>();
            for (String service : SERVICES) {
                String password = UUID.randomUUID().toString();
                passwords.add(password);
                broker.addUser(service, password);
                broker.allow(grants(service));
                clients.put(service, broker.clientSettings(service, password));
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("kafka.bootstrap.servers", broker.secureBootstrap());
                broker.clientSettings(service, password).forEach((key, value) -> settings.put("kafka." + key, value));
                perService.put(service, settings);
            }

            LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), work,
                    Optional.empty(), 0).withExternalKafka(broker.adminBootstrap(), perService);
            try (LocalStack stack = LocalStack.start(options, line -> System.out.println("[secure-kafka] " + line))) {
                assertEquals(64, stack.importSuite(root.resolve("deploy/sample-suite/cares-sample.jsonl"), "secure-sample")
                        .path("published").asInt());
                List<ScoreRow> rows = stack.awaitScored("secure-sample", 64, Duration.ofMinutes(5), r -> { });
                assertEquals(64, rows.get(0).labelled(), "scored in full over SASL_SSL: " + rows);
                assertEquals(0, rows.get(0).responseErrors());
            }
            // The passwords reached the services through their settings; no log shows them.
            try (var logs = java.nio.file.Files.list(work.resolve("logs"))) {
                for (Path log : logs.toList()) {
                    String text = java.nio.file.Files.readString(log);
                    passwords.forEach(password -> assertEquals(-1, text.indexOf(password), log + " shows a password"));
                }
            }

            // Outside its grants, each principal is refused by the broker.
            assertWriteRefused(broker, clients.get("model-invoker"), "cares.judgments");
            assertWriteRefused(broker, clients.get("judge-service"), "cares.prompts");
            assertWriteRefused(broker, clients.get("scorer-service"), "cares.prompts");
            assertWriteRefused(broker, clients.get("prompt-generator"), "cares.responses");
            assertReadRefused(broker, clients.get("prompt-generator"), "cares.judgments");
            assertReadRefused(broker, clients.get("judge-service"), "cares.prompts");
            GroupAuthorizationException group = assertThrows(GroupAuthorizationException.class, () -> {
                try (KafkaConsumer<String, String> consumer = consumer(broker, clients.get("model-invoker"),
                        "judge-service.someone-else@v1")) {
                    consumer.subscribe(List.of("cares.prompts"));
                    consumer.poll(Duration.ofSeconds(10));
                }
            }, "another service's consumer group");
            System.out.println("[secure-kafka] refused as expected: " + group.getMessage());
        }
    }

    private static void assertWriteRefused(SecuredKafkaBroker broker, Map<String, String> client, String topic) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, "k", "v")).get(20, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), topic + ": " + refused.getCause());
        }
    }

    private static void assertReadRefused(SecuredKafkaBroker broker, Map<String, String> client, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, client, null)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)), topic);
        }
    }

    private static KafkaConsumer<String, String> consumer(SecuredKafkaBroker broker, Map<String, String> client,
                                                          String group) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
