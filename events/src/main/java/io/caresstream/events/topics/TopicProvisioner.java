package io.caresstream.events.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Declares the project's topics: creates the missing ones and puts right an existing one whose settings would
 * lose events. The broker never auto-creates them (its defaults, the delete policy and 7-day retention, would
 * silently expire the log). The event topics are compacted, not expired: every event is keyed by what it is
 * about and the latest per key is the truth, so the whole log stays replayable (a model or judge plugged in a
 * year later still sees every prompt and response). Dead-letter topics keep everything, since nothing may be
 * lost.
 */
public final class TopicProvisioner {

    /** Every topic of the bus, for a fresh cluster. */
    public static final List<String> ALL = List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES,
            Topics.HUMAN_LABELS,
            Topics.PROMPTS_DLQ, Topics.RESPONSES_DLQ, Topics.JUDGMENTS_DLQ);

    /** What {@link #ensure} did: the topics it created, and each setting it changed on an existing topic. */
    /**
     * What was done: topics created, settings corrected, and topics this client may not create or change (on a
     * cluster with ACLs, where another service or the operator owns them).
     */
    public record Report(List<String> created, List<String> corrected, List<String> notAllowed) {
    }

    private TopicProvisioner() {
    }

    /** Compaction for the keyed event topics, unlimited retention for dead letters. */
    public static Map<String, String> configFor(String topic) {
        return topic.contains(".dlq.")
                ? Map.of("cleanup.policy", "delete", "retention.ms", "-1")
                : Map.of("cleanup.policy", "compact");
    }

    /**
     * Creates the missing topics with {@link #configFor} and sets those settings on existing topics that differ
     * (a topic auto-created by a broker's defaults, say), so no event ever expires.
     *
     * @throws IllegalStateException when the broker cannot be reached or refuses a topic or a change
     */
    public static Report ensure(String bootstrapServers, Collection<String> topics, int partitions,
                                short replicationFactor) throws InterruptedException {
        return ensure(bootstrapServers, Map.of(), topics, partitions, replicationFactor);
    }

    /** As {@link #ensure(String, Collection, int, short)}, connecting with the given client settings (security). */
    public static Report ensure(String bootstrapServers, Map<String, Object> clientSettings, Collection<String> topics,
                                int partitions, short replicationFactor) throws InterruptedException {
        List<String> created = new ArrayList<>();
        List<String> corrected = new ArrayList<>();
        List<String> notAllowed = new ArrayList<>();
        Map<String, Object> config = new java.util.HashMap<>(clientSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configFor(topic))))
                            .all().get(30, TimeUnit.SECONDS);
                    created.add(topic);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException) {
                        notAllowed.add(topic);
                        continue;
                    }
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
                    }
                    corrected.addAll(correct(admin, topic));
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out declaring topics " + topics + "; is Kafka up at "
                    + bootstrapServers + "?", e);
        }
        return new Report(created, corrected, notAllowed);
    }

    /** How long a topic another client has just created may stay unknown to the broker that answers. */
    private static final long METADATA_CATCH_UP_MS = 10_000;

    /**
     * The topic's settings. A topic that another client created a moment ago (a service starting beside this one)
     * exists for the controller before the answering broker's metadata has it: asked again until it has.
     */
    private static Config describe(Admin admin, ConfigResource resource)
            throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.currentTimeMillis() + METADATA_CATCH_UP_MS;
        while (true) {
            try {
                return admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sets the settings of configFor that an existing topic lacks; says what changed, "topic: key a -> b". */
    private static List<String> correct(Admin admin, String topic)
            throws InterruptedException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config current = describe(admin, resource);
            List<AlterConfigOp> changes = new ArrayList<>();
            List<String> said = new ArrayList<>();
            Map<String, String> wanted = new HashMap<>(configFor(topic));
            wanted.forEach((key, value) -> {
                ConfigEntry entry = current.get(key);
                String actual = entry == null ? null : entry.value();
                if (!value.equals(actual)) {
                    changes.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
                    said.add(topic + ": " + key + " " + actual + " -> " + value);
                }
            });
            if (!changes.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, changes)).all().get(30, TimeUnit.SECONDS);
            }
            return said;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read or correct the settings of topic " + topic + ": "
                    + e.getCause().getMessage(), e);
        }
    }
}
