package io.caresstream.deploy.kubernetes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.deploy.kafka.SecuredKafkaBroker.Grant;
import io.caresstream.deploy.kafka.ServiceGrants;
import io.caresstream.events.topics.TopicProvisioner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.everit.json.schema.Schema;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONObject;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a rendered chart without a cluster, as an API server with the operators' CRDs would and beyond: every object
 * parses strictly against its model (Kubernetes through fabric8, Strimzi through its API model, KEDA and the Apicurio
 * operator's resource through schemas of the fields they document); every Secret, ConfigMap, claim, service account,
 * topic, Deployment and port an object names exists in the render (or is a Secret its operator or user makes); the
 * topics are the services' own, with their settings; the Kafka users' grants are the services'.
 * Each problem names the object and the field.
 */
final class ManifestCheck {

    /** What the services need that is not in the render: the topics they use, the Secrets users make. */
    record Expectations(Set<String> topicsUsed, Set<String> userSecrets) {
    }

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));

    private static final Map<String, String> SCHEMAS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "keda-scaledobject.json",
            "keda.sh/v1alpha1/TriggerAuthentication", "keda-triggerauthentication.json",
            "registry.apicur.io/v1/ApicurioRegistry", "apicurio-registry.json");

    private final List<ObjectNode> objects;
    private final Expectations expected;
    private final List<String> problems = new ArrayList<>();

    private ManifestCheck(List<ObjectNode> objects, Expectations expected) {
        this.objects = objects;
        this.expected = expected;
    }

    /** Every problem found in the rendered objects; empty when the render is sound. */
    static List<String> problems(List<ObjectNode> objects, Expectations expected) {
        ManifestCheck check = new ManifestCheck(objects, expected);
        check.names();
        objects.forEach(check::strictly);
        check.deployments();
        check.selectors();
        check.scaledObjects();
        check.topics();
        check.users();
        return check.problems;
    }

    // ---- Each object against its model ----

    private void strictly(ObjectNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<?> model = MODELS.get(type);
        if (model != null) {
            try {
                Object parsed = STRICT.treeToValue(object, model);
                unknownFields(parsed, "", new IdentityHashMap<>()).forEach(field ->
                        problems.add(id(object) + ": unknown field " + field));
                quantities(object);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(id(object) + ": does not parse as " + type + ": " + firstLine(e.getMessage()));
            }
        } else if (SCHEMAS.containsKey(type)) {
            try {
                schema(SCHEMAS.get(type)).validate(new JSONObject(STRICT.writeValueAsString(object)));
            } catch (ValidationException e) {
                e.getAllMessages().forEach(message -> problems.add(id(object) + ": " + message));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            problems.add(id(object) + ": no model or schema for " + type + " (a typo in apiVersion or kind?)");
        }
    }

    /**
     * The models keep what they do not know in additionalProperties instead of refusing it; each such field is a
     * field the API server would reject (or, worse, drop).
     */
    private static List<String> unknownFields(Object value, String path, Map<Object, Boolean> seen) {
        List<String> unknown = new ArrayList<>();
        if (value == null || seen.put(value, true) != null) {
            return unknown;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
            }
            return unknown;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknown.addAll(unknownFields(item, path + "." + key, seen)));
            return unknown;
        }
        String pkg = value.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8.kubernetes.api.model") || pkg.startsWith("io.strimzi.api"))) {
            return unknown;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> unknown.add((path.isEmpty() ? "" : path.substring(1) + ".") + key));
                } else if (child != null && !(child instanceof String) && !(child instanceof Number)
                        && !(child instanceof Boolean) && !(child instanceof Enum<?>)) {
                    String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                    unknown.addAll(unknownFields(child, path + "." + field, seen));
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A derived getter that throws is not a field.
            }
        }
        return unknown;
    }

    /** Resource quantities the API server would refuse ("512MB", "1.5 cores"). */
    private void quantities(ObjectNode object) {
        object.findParents("resources").forEach(parent -> {
            JsonNode resources = parent.get("resources");
            for (String bound : List.of("requests", "limits")) {
                resources.path(bound).properties().forEach(entry -> {
                    try {
                        Quantity.getAmountInBytes(new Quantity(entry.getValue().asText()));
                    } catch (IllegalArgumentException e) {
                        problems.add(id(object) + ": resources." + bound + "." + entry.getKey() + " "
                                + entry.getValue().asText() + " is not a quantity");
                    }
                });
            }
        });
    }

    private static final Map<String, Schema> LOADED = new HashMap<>();

    private static synchronized Schema schema(String file) {
        return LOADED.computeIfAbsent(file, name -> {
            try (InputStream in = ManifestCheck.class.getResourceAsStream("/schemas/" + name)) {
                return SchemaLoader.load(new JSONObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException(name, e);
            }
        });
    }

    // ---- Names ----

    private void names() {
        Set<String> seen = new LinkedHashSet<>();
        for (ObjectNode object : objects) {
            String name = object.path("metadata").path("name").asText();
            if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
                problems.add(id(object) + ": metadata.name is not a valid Kubernetes name");
            }
            if (!seen.add(object.path("kind").asText() + "/" + name)) {
                problems.add(id(object) + ": rendered twice");
            }
        }
    }

    // ---- What the Deployments name ----

    private void deployments() {
        for (ObjectNode deployment : Chart.ofKind(objects, "Deployment").toList()) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            String account = pod.path("serviceAccountName").asText("");
            if (!account.isEmpty() && !exists("ServiceAccount", account)) {
                problems.add(id(deployment) + ": service account " + account + " is not in the render");
            }
            Set<String> volumes = new TreeSet<>();
            for (JsonNode volume : pod.path("volumes")) {
                volumes.add(volume.path("name").asText());
                secret(deployment, volume.path("secret").path("secretName"), "volume " + volume.path("name").asText());
                if (volume.has("persistentVolumeClaim")
                        && !exists("PersistentVolumeClaim", volume.path("persistentVolumeClaim").path("claimName").asText())) {
                    problems.add(id(deployment) + ": volume " + volume.path("name").asText() + " names claim "
                            + volume.path("persistentVolumeClaim").path("claimName").asText() + ", which is not in the render");
                }
                if (volume.has("configMap") && !exists("ConfigMap", volume.path("configMap").path("name").asText())) {
                    problems.add(id(deployment) + ": volume " + volume.path("name").asText() + " names a missing ConfigMap");
                }
            }
            for (JsonNode container : pod.path("containers")) {
                String where = id(deployment) + " container " + container.path("name").asText();
                for (JsonNode env : container.path("env")) {
                    if (env.path("value").asText().matches("-?[0-9.]+e[+-][0-9]+")) {
                        problems.add(where + ": env " + env.path("name").asText() + " is " + env.path("value").asText()
                                + ", a number as Helm writes a float, which the service cannot read as an integer");
                    }
                    secret(deployment, env.path("valueFrom").path("secretKeyRef").path("name"), "env " + env.path("name").asText());
                    JsonNode configMapKey = env.path("valueFrom").path("configMapKeyRef");
                    if (!configMapKey.isMissingNode() && !exists("ConfigMap", configMapKey.path("name").asText())) {
                        problems.add(where + ": env " + env.path("name").asText() + " names a missing ConfigMap");
                    }
                }
                for (JsonNode from : container.path("envFrom")) {
                    if (from.has("configMapRef") && !exists("ConfigMap", from.path("configMapRef").path("name").asText())) {
                        problems.add(where + ": envFrom names ConfigMap " + from.path("configMapRef").path("name").asText()
                                + ", which is not in the render");
                    }
                    secret(deployment, from.path("secretRef").path("name"), "envFrom");
                }
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (!volumes.contains(mount.path("name").asText())) {
                        problems.add(where + ": mounts volume " + mount.path("name").asText() + ", which the pod lacks");
                    }
                }
                Set<String> ports = new TreeSet<>();
                for (JsonNode port : container.path("ports")) {
                    ports.add(port.path("name").asText());
                    ports.add(port.path("containerPort").asText());
                }
                if (container.path("image").asText("").isEmpty()) {
                    problems.add(where + ": no image");
                }
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    JsonNode port = container.path(probe).path("httpGet").path("port");
                    if (!port.isMissingNode() && !ports.contains(port.asText())) {
                        problems.add(where + ": " + probe + " checks port " + port.asText() + ", not a port of the container");
                    }
                }
            }
        }
    }

    /** A Secret named by a workload: rendered, made by Strimzi for the cluster or a user, or made by the chart's user. */
    private void secret(ObjectNode owner, JsonNode name, String field) {
        if (name.isMissingNode() || name.isNull()) {
            return;
        }
        String secret = name.asText();
        boolean strimzi = Chart.ofKind(objects, "KafkaUser").anyMatch(user -> secret.equals(name(user)))
                || Chart.ofKind(objects, "Kafka").anyMatch(kafka -> secret.equals(name(kafka) + "-cluster-ca-cert"));
        if (!exists("Secret", secret) && !strimzi && !expected.userSecrets().contains(secret)) {
            problems.add(id(owner) + ": " + field + " names Secret " + secret
                    + ", which neither the chart, Strimzi nor the values' user makes");
        }
    }

    // ---- Selectors and ports ----

    private void selectors() {
        List<ObjectNode> deployments = Chart.ofKind(objects, "Deployment").toList();
        for (ObjectNode deployment : deployments) {
            Map<String, String> selector = labels(deployment.path("spec").path("selector").path("matchLabels"));
            Map<String, String> pod = labels(deployment.path("spec").path("template").path("metadata").path("labels"));
            if (selector.isEmpty() || !pod.entrySet().containsAll(selector.entrySet())) {
                problems.add(id(deployment) + ": spec.selector " + selector + " does not select its own pods " + pod);
            }
        }
        for (ObjectNode service : Chart.ofKind(objects, "Service").toList()) {
            Map<String, String> selector = labels(service.path("spec").path("selector"));
            List<ObjectNode> selected = selected(deployments, selector);
            if (selected.isEmpty()) {
                problems.add(id(service) + ": spec.selector " + selector + " selects no Deployment of the render");
            }
            for (JsonNode port : service.path("spec").path("ports")) {
                String target = port.path("targetPort").asText(port.path("port").asText());
                for (ObjectNode deployment : selected) {
                    boolean served = false;
                    for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                        for (JsonNode containerPort : container.path("ports")) {
                            served |= target.equals(containerPort.path("name").asText())
                                    || target.equals(containerPort.path("containerPort").asText());
                        }
                    }
                    if (!served) {
                        problems.add(id(service) + ": targetPort " + target + " is not a port of " + id(deployment));
                    }
                }
            }
        }
        for (String kind : List.of("PodDisruptionBudget", "NetworkPolicy")) {
            for (ObjectNode object : Chart.ofKind(objects, kind).toList()) {
                JsonNode selector = kind.equals("NetworkPolicy") ? object.path("spec").path("podSelector")
                        : object.path("spec").path("selector");
                if (selected(deployments, labels(selector.path("matchLabels"))).isEmpty()) {
                    problems.add(id(object) + ": its selector " + labels(selector.path("matchLabels"))
                            + " selects no Deployment of the render");
                }
            }
        }
    }

    private static List<ObjectNode> selected(List<ObjectNode> deployments, Map<String, String> selector) {
        return deployments.stream().filter(d -> !selector.isEmpty() && labels(d.path("spec").path("template")
                .path("metadata").path("labels")).entrySet().containsAll(selector.entrySet())).toList();
    }

    // ---- KEDA ----

    private void scaledObjects() {
        for (ObjectNode scaled : Chart.ofKind(objects, "ScaledObject").toList()) {
            String target = scaled.path("spec").path("scaleTargetRef").path("name").asText();
            if (!exists("Deployment", target)) {
                problems.add(id(scaled) + ": scaleTargetRef " + target + " is not a Deployment of the render");
            }
            int partitions = partitions();
            if (scaled.path("spec").path("maxReplicaCount").asInt() > partitions) {
                problems.add(id(scaled) + ": maxReplicaCount " + scaled.path("spec").path("maxReplicaCount").asInt()
                        + " is more than the " + partitions + " partitions can use");
            }
            for (JsonNode trigger : scaled.path("spec").path("triggers")) {
                String topic = trigger.path("metadata").path("topic").asText();
                if (!declaredTopics().containsKey(topic)) {
                    problems.add(id(scaled) + ": trigger on topic " + topic + ", which no KafkaTopic declares");
                }
                String auth = trigger.path("authenticationRef").path("name").asText("");
                if (!auth.isEmpty() && !exists("TriggerAuthentication", auth)) {
                    problems.add(id(scaled) + ": authenticationRef " + auth + " is not in the render");
                }
            }
        }
        for (ObjectNode auth : Chart.ofKind(objects, "TriggerAuthentication").toList()) {
            for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
                secret(auth, ref.path("name"), "secretTargetRef " + ref.path("parameter").asText());
            }
        }
    }

    // ---- Topics ----

    private Map<String, ObjectNode> declaredTopics() {
        Map<String, ObjectNode> topics = new LinkedHashMap<>();
        Chart.ofKind(objects, "KafkaTopic").forEach(t -> topics.put(t.path("spec").path("topicName").asText(name(t)), t));
        return topics;
    }

    private int partitions() {
        return Chart.find(objects, "ConfigMap", "cares-stream")
                .map(c -> c.path("data").path("CARES_TOPICS_PARTITIONS").asInt(-1)).orElse(-1);
    }

    private void topics() {
        Map<String, ObjectNode> declared = declaredTopics();
        Set<String> clusters = Chart.ofKind(objects, "Kafka").map(ManifestCheck::name).collect(Collectors.toSet());
        for (String topic : expected.topicsUsed()) {
            if (!declared.containsKey(topic)) {
                problems.add("the services use topic " + topic + ", which no KafkaTopic declares");
            }
        }
        declared.forEach((topic, object) -> {
            if (!expected.topicsUsed().contains(topic)) {
                problems.add(id(object) + ": declares topic " + topic + ", which no service uses");
            }
            Map<String, String> config = new LinkedHashMap<>();
            object.path("spec").path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
            if (!config.equals(TopicProvisioner.configFor(topic))) {
                problems.add(id(object) + ": config " + config + " differs from what the services ensure, "
                        + TopicProvisioner.configFor(topic));
            }
            if (object.path("spec").path("partitions").asInt() != partitions()) {
                problems.add(id(object) + ": " + object.path("spec").path("partitions").asInt()
                        + " partitions, the services declare " + partitions());
            }
            String cluster = object.path("metadata").path("labels").path("strimzi.io/cluster").asText();
            if (!clusters.contains(cluster)) {
                problems.add(id(object) + ": label strimzi.io/cluster " + cluster + " names no Kafka of the render");
            }
        });
    }

    // ---- Kafka users and their grants ----

    private void users() {
        List<ObjectNode> users = Chart.ofKind(objects, "KafkaUser").toList();
        if (users.isEmpty()) {
            return;
        }
        Set<String> names = users.stream().map(ManifestCheck::name).collect(Collectors.toCollection(TreeSet::new));
        if (!names.equals(new TreeSet<>(ServiceGrants.USERS))) {
            problems.add("KafkaUsers " + names + " are not the deployment's users " + new TreeSet<>(ServiceGrants.USERS));
        }
        for (ObjectNode user : users) {
            if (!ServiceGrants.USERS.contains(name(user))) {
                continue;
            }
            Set<String> rendered = new TreeSet<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                for (JsonNode operation : acl.path("operations")) {
                    rendered.add(resource.path("type").asText().toLowerCase(Locale.ROOT) + " "
                            + resource.path("name").asText() + " " + resource.path("patternType").asText("literal")
                            .toLowerCase(Locale.ROOT) + " " + operation.asText().toLowerCase(Locale.ROOT));
                }
            }
            Set<String> wanted = new TreeSet<>();
            for (Grant grant : ServiceGrants.of(name(user))) {
                wanted.add(strimziType(grant) + " " + grant.name() + " "
                        + (grant.pattern().name().equals("PREFIXED") ? "prefix" : "literal") + " "
                        + grant.operation().name().toLowerCase(Locale.ROOT));
            }
            if (!rendered.equals(wanted)) {
                Set<String> extra = new TreeSet<>(rendered);
                extra.removeAll(wanted);
                Set<String> missing = new TreeSet<>(wanted);
                missing.removeAll(rendered);
                problems.add(id(user) + ": ACLs differ from ServiceGrants: more " + extra + ", missing " + missing);
            }
        }
    }

    private static String strimziType(Grant grant) {
        return switch (grant.type()) {
            case TOPIC -> "topic";
            case GROUP -> "group";
            case TRANSACTIONAL_ID -> "transactionalid";
            case CLUSTER -> "cluster";
            default -> grant.type().name().toLowerCase(Locale.ROOT);
        };
    }

    // ---- Helpers ----

    private boolean exists(String kind, String name) {
        return Chart.find(objects, kind, name).isPresent();
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            labels.put(entry.getKey(), entry.getValue().asText());
        }
        return labels;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + " " + name(object);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
