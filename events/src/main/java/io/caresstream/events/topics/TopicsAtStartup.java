package io.caresstream.events.topics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Every service declares the topics it uses ({@code cares.topics.required}) and ensures them when it starts,
 * before its channels or streams touch them: missing ones are created, and an existing one whose settings
 * would let events expire is put right (see {@link TopicProvisioner}). A broker that cannot be reached is
 * reported and the service starts anyway: its clients wait for the broker as they always do.
 */
@ApplicationScoped
public class TopicsAtStartup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicsAtStartup.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @jakarta.inject.Inject
    io.caresstream.events.security.ClientSecurity security;

    @ConfigProperty(name = "cares.topics.required")
    List<String> topics;

    @ConfigProperty(name = "cares.topics.partitions", defaultValue = "4")
    int partitions;

    @ConfigProperty(name = "cares.topics.replication-factor", defaultValue = "1")
    short replicationFactor;

    void ensure(@Observes @Initialized(ApplicationScoped.class) Object started) throws InterruptedException {
        try {
            TopicProvisioner.Report report = TopicProvisioner.ensure(bootstrapServers, security.kafka(), topics, partitions,
                    replicationFactor);
            report.created().forEach(topic -> LOG.info("created topic {} ({} partitions, replication {})", topic,
                    partitions, replicationFactor));
            report.corrected().forEach(change -> LOG.warn("corrected a topic setting that would lose events: {}", change));
            if (!report.notAllowed().isEmpty()) {
                LOG.info("topics {} are not this service's to create or change (ACLs): left as the cluster has them",
                        report.notAllowed());
            }
        } catch (IllegalStateException e) {
            LOG.warn("topics {} not checked: {}", topics, e.getMessage());
        }
    }
}
