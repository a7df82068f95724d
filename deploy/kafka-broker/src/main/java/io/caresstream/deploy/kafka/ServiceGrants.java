package io.caresstream.deploy.kafka;

import io.caresstream.deploy.kafka.SecuredKafkaBroker.Grant;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

/**
 * What each Kafka user of a deployment may do, and nothing more: a user per service, the schema registry's KafkaSQL
 * storage, and KEDA reading consumer lag. SecureKafkaTest proves the services' grants enough on a broker that
 * enforces ACLs; the Kubernetes chart's KafkaUsers must equal these (its test compares them).
 */
public final class ServiceGrants {

    /** The services, each its own user. */
    public static final List<String> SERVICES = List.of("prompt-generator", "model-invoker", "judge-service",
            "scorer-service");

    /** Every user of a deployment: the services, the registry's storage and the autoscaler. */
    public static final List<String> USERS = List.of("prompt-generator", "model-invoker", "judge-service",
            "scorer-service", "apicurio-registry", "keda");

    private ServiceGrants() {
    }

    public static List<Grant> of(String user) {
        List<Grant> grants = new ArrayList<>();
        switch (user) {
            case "prompt-generator" -> {
                grants.add(grant(user, TOPIC, "cares.prompts", LITERAL, ALL));
                grants.add(grant(user, GROUP, "prompt-generator.", PREFIXED, READ));
            }
            case "model-invoker" -> {
                grants.add(grant(user, TOPIC, "cares.prompts", LITERAL, READ));
                grants.add(grant(user, TOPIC, "cares.responses", LITERAL, ALL));
                grants.add(grant(user, TOPIC, "cares.prompts.dlq.model-invoker", LITERAL, ALL));
                // Each model's own answered topic, which its invokers create and read.
                grants.add(grant(user, TOPIC, "cares.answered.", PREFIXED, ALL));
                grants.add(grant(user, GROUP, "model-invoker.", PREFIXED, READ));
            }
            case "judge-service" -> {
                grants.add(grant(user, TOPIC, "cares.responses", LITERAL, READ));
                grants.add(grant(user, TOPIC, "cares.judgments", LITERAL, ALL));
                grants.add(grant(user, TOPIC, "cares.responses.dlq.judge-service", LITERAL, ALL));
                grants.add(grant(user, TOPIC, "cares.judged.", PREFIXED, ALL));
                grants.add(grant(user, GROUP, "judge-service.", PREFIXED, READ));
            }
            case "scorer-service" -> {
                for (String input : List.of("cares.prompts", "cares.responses", "cares.judgments")) {
                    grants.add(grant(user, TOPIC, input, LITERAL, READ));
                    grants.add(grant(user, TOPIC, input + ".dlq.scorer-service", LITERAL, ALL));
                }
                grants.add(grant(user, TOPIC, "cares.scores", LITERAL, ALL));
                // The review queue's human labels: written by the scorer, read by every instance.
                grants.add(grant(user, TOPIC, "cares.human-labels", LITERAL, ALL));
                // Kafka Streams' changelog and repartition topics, its group and its transactions.
                grants.add(grant(user, TOPIC, "scorer-service-", PREFIXED, ALL));
                grants.add(grant(user, GROUP, "scorer-service", LITERAL, READ));
                // The prompt counts' own Kafka Streams client (its topics and transactions share the prefix).
                grants.add(grant(user, GROUP, "scorer-service-prompts", LITERAL, READ));
                grants.add(grant(user, TRANSACTIONAL_ID, "scorer-service", PREFIXED, WRITE));
            }
            case "apicurio-registry" -> {
                // Apicurio Registry 2.x KafkaSQL: its journal topic, and a consumer group per instance.
                grants.add(grant(user, TOPIC, "kafkasql-journal", LITERAL, ALL));
                grants.add(grant(user, GROUP, "apicurio-registry-", PREFIXED, READ));
            }
            case "keda" -> {
                // Reading a worker group's committed offsets and the input's end offsets, nothing else.
                grants.add(grant(user, TOPIC, "cares.prompts", LITERAL, DESCRIBE));
                grants.add(grant(user, TOPIC, "cares.responses", LITERAL, DESCRIBE));
                grants.add(grant(user, GROUP, "model-invoker.", PREFIXED, DESCRIBE));
                grants.add(grant(user, GROUP, "judge-service.", PREFIXED, DESCRIBE));
            }
            default -> throw new IllegalArgumentException("no grants for user " + user + "; users: " + USERS);
        }
        return grants;
    }

    private static Grant grant(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new Grant(user, type, name, pattern, operation);
    }
}
