package io.caresstream.events.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates topics that do not exist yet; existing ones are left exactly as they are. The event topics are
 * compacted, not expired: every event is keyed by what it is about and the latest per key is the truth,
 * so the whole log stays replayable (a model or judge plugged in a year later still sees every prompt
 * and response). Dead-letter topics keep everything, since nothing may be lost.
 */
public final class TopicProvisioner {

    /** Every topic of the bus, for a fresh cluster. */
    public static final List<String> ALL = List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES,
            Topics.PROMPTS_DLQ, Topics.RESPONSES_DLQ, Topics.JUDGMENTS_DLQ);

    private TopicProvisioner() {
    }

    /** Compaction for the keyed event topics, unlimited retention for dead letters. */
    public static Map<String, String> configFor(String topic) {
        return topic.contains(".dlq.")
                ? Map.of("cleanup.policy", "delete", "retention.ms", "-1")
                : Map.of("cleanup.policy", "compact");
    }

    /**
     * @return the topics this call created
     * @throws IllegalStateException when the broker cannot be reached or refuses a topic
     */
    public static List<String> createMissing(String bootstrapServers, Collection<String> topics, int partitions,
                                             short replicationFactor) throws InterruptedException {
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configFor(topic))))
                            .all().get(30, TimeUnit.SECONDS);
                    created.add(topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating topic " + topic + "; is Kafka up at "
                            + bootstrapServers + "?", e);
                }
            }
        }
        return created;
    }
}
