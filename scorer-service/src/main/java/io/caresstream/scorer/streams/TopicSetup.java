package io.caresstream.scorer.streams;

import io.caresstream.events.topics.TopicProvisioner;
import io.caresstream.events.topics.Topics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;

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
        try {
            List<String> created = TopicProvisioner.createMissing(bootstrapServers,
                    List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES,
                            DeadLetterDeserializationHandler.deadLettersOf(Topics.PROMPTS),
                            DeadLetterDeserializationHandler.deadLettersOf(Topics.RESPONSES),
                            DeadLetterDeserializationHandler.deadLettersOf(Topics.JUDGMENTS)), partitions, replicationFactor);
            created.forEach(topic -> LOG.infof("created topic %s (%d partitions)", topic, partitions));
        } catch (IllegalStateException e) {
            // Kafka Streams keeps waiting for its topics; say why rather than fail the start.
            LOG.warn(e.getMessage());
        }
    }
}
