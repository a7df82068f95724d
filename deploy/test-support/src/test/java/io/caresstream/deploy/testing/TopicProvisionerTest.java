package io.caresstream.deploy.testing;

import io.caresstream.events.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topics are declared with the project's settings, and one some broker made with its defaults is put right. */
class TopicProvisionerTest {

    private final TestInfrastructure infrastructure = TestInfrastructure.shared();

    private Config configOf(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }

    @Test
    void missingTopicsAreCreatedAndOnesWithSettingsThatLoseEventsAreCorrected() throws Exception {
        String events = "provisioner.events";
        String deadLetters = "provisioner.events.dlq.some-service";
        String autoCreated = "provisioner.auto-created";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers()))) {
            // As a broker's defaults would make it: delete policy, 7-day retention.
            admin.createTopics(List.of(new NewTopic(autoCreated, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
                    .all().get(30, TimeUnit.SECONDS);

            TopicProvisioner.Report report = TopicProvisioner.ensure(infrastructure.bootstrapServers(),
                    List.of(events, deadLetters, autoCreated), 2, (short) 1);
            assertEquals(List.of(events, deadLetters), report.created());
            assertEquals(List.of(autoCreated + ": cleanup.policy delete -> compact"), report.corrected());
            assertEquals("compact", configOf(admin, events).get("cleanup.policy").value());
            assertEquals("-1", configOf(admin, deadLetters).get("retention.ms").value());
            assertEquals("compact", configOf(admin, autoCreated).get("cleanup.policy").value());

            TopicProvisioner.Report again = TopicProvisioner.ensure(infrastructure.bootstrapServers(),
                    List.of(events, deadLetters, autoCreated), 2, (short) 1);
            assertTrue(again.created().isEmpty() && again.corrected().isEmpty(), "a second start changes nothing: " + again);
        }
    }
}
