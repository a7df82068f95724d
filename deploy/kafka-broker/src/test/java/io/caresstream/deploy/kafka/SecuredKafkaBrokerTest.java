package io.caresstream.deploy.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecuredKafkaBrokerTest {

    @TempDir
    Path dir;

    private static KafkaProducer<String, String> producer(SecuredKafkaBroker broker, String user, String password) {
        Map<String, Object> config = new HashMap<>(broker.clientSettings(user, password));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrap());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    @Test
    void aUserWritesOnlyWhereAnAclAllowsAndAWrongPasswordIsRefused() throws Exception {
        try (SecuredKafkaBroker broker = SecuredKafkaBroker.start(dir)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.adminBootstrap()))) {
                admin.createTopics(List.of(new NewTopic("mine", 1, (short) 1), new NewTopic("theirs", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            broker.addUser("writer", "s3cret-writer");
            broker.allow(List.of(new SecuredKafkaBroker.Grant("writer", ResourceType.TOPIC, "mine", PatternType.LITERAL,
                    AclOperation.WRITE)));

            try (KafkaProducer<String, String> writer = producer(broker, "writer", "s3cret-writer")) {
                assertNotNull(writer.send(new ProducerRecord<>("mine", "k", "v")).get(20, TimeUnit.SECONDS),
                        "over TLS and SCRAM, to the topic its ACL names");
                ExecutionException denied = assertThrows(ExecutionException.class,
                        () -> writer.send(new ProducerRecord<>("theirs", "k", "v")).get(20, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, denied.getCause(), "no ACL, no write");
            }
            try (KafkaProducer<String, String> impostor = producer(broker, "writer", "guessed")) {
                Exception refused = assertThrows(Exception.class,
                        () -> impostor.send(new ProducerRecord<>("mine", "k", "v")).get(20, TimeUnit.SECONDS));
                Throwable cause = refused instanceof ExecutionException ? refused.getCause() : refused;
                assertInstanceOf(SaslAuthenticationException.class, cause, String.valueOf(cause));
            }
        }
    }
}
