package io.caresstream.scorer.streams;

import io.caresstream.domain.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the topics the topology reads and writes when they are missing, so the scorer can start
 * before the first judgment exists (Kafka Streams waits for its source topics).
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "cares.topics.partitions", defaultValue = "4")
    int partitions;

    @ConfigProperty(name = "cares.topics.replication-factor", defaultValue = "1")
    short replicationFactor;

    void onStart(@Observes StartupEvent event) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (String topic : List.of(Topics.JUDGMENTS, Topics.SCORES)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)))
                            .all().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s (%d partitions)", topic, partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("could not create topic %s: %s", topic, e.getCause().getMessage());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    LOG.warnf("timed out creating topic %s; is Kafka up at %s?", topic, bootstrapServers);
                }
            }
        }
    }
}
