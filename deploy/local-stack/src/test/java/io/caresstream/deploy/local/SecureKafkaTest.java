package io.caresstream.deploy.local;

import io.caresstream.deploy.kafka.SecuredKafkaBroker;
import io.caresstream.deploy.kafka.ServiceGrants;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
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
import java.util.concurrent.TimeUnit;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole stack on a broker that takes only TLS with SCRAM users and enforces ACLs: each service connects as its
 * own principal, which may read and write its own topics and groups and nothing else. The suite is still scored in
 * full; and each principal is refused outside its grants.
 */
class SecureKafkaTest {

    private static final List<String> SERVICES = LocalStack.ALL_SERVICES;

    /** What each service's principal may do: its own topics and consumer groups, and reading its inputs. */
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
                broker.allow(ServiceGrants.of(service));
                clients.put(service, broker.clientSettings(service, password));
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("kafka.bootstrap.servers", broker.secureBootstrap());
                broker.clientSettings(service, password).forEach((key, value) -> settings.put("kafka." + key, value));
                perService.put(service, settings);
            }

            // The autoscaler's user (the chart's KEDA trigger): it may read the workers' lag and nothing else.
            String kedaPassword = UUID.randomUUID().toString();
            broker.addUser("keda", kedaPassword);
            broker.allow(ServiceGrants.of("keda"));
            clients.put("keda", broker.clientSettings("keda", kedaPassword));

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

            assertTrue(committedByGroup(broker, clients.get("keda"), "model-invoker.simulated-model@1", "cares.prompts") > 0,
                    "KEDA's user reads the model-invoker group's committed offsets");
            assertReadRefused(broker, clients.get("keda"), "cares.prompts");
            assertWriteRefused(broker, clients.get("keda"), "cares.prompts");
        }
    }

    /** The offsets a group committed on a topic, summed, as KEDA's Kafka scaler reads them. */
    private static long committedByGroup(SecuredKafkaBroker broker, Map<String, String> client, String group,
                                         String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(entry -> entry.getKey().topic().equals(topic))
                    .mapToLong(entry -> entry.getValue().offset()).sum();
        }
    }

    private static void assertWriteRefused(SecuredKafkaBroker broker, Map<String, String> client, String topic) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            // Refused on the topic, or (a user with no write grant at all) on the idempotent producer's cluster
            // right: through the send's future, or from send itself when the producer already failed to start.
            Exception refused = assertThrows(Exception.class,
                    () -> producer.send(new ProducerRecord<>(topic, "k", "v")).get(20, TimeUnit.SECONDS));
            Throwable cause = refused;
            while (cause != null && !(cause instanceof AuthorizationException)) {
                cause = cause.getCause();
            }
            assertInstanceOf(AuthorizationException.class, cause, topic + ": " + refused);
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
