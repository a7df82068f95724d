package io.caresstream.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.events.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The chart, rendered by Helm for each values file, checked as a cluster with the operators would check it. */
class ChartTest {

    static final List<String> SERVICES = List.of("prompt-generator", "model-invoker", "judge-service", "scorer-service");

    static List<String> valuesFiles() {
        return Chart.valuesFiles();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyValuesFileRendersObjectsThatValidateAndReferToEachOther(String values) {
        List<ObjectNode> objects = Chart.render(values);
        Map<String, Long> kinds = objects.stream().collect(Collectors.groupingBy(o -> o.path("kind").asText(),
                TreeMap::new, Collectors.counting()));
        System.out.println("[chart] " + values + ": " + objects.size() + " objects " + kinds);
        assertEquals(List.of(), ManifestCheck.problems(objects, expectations(values, objects)));
        assertTrue(kinds.containsKey("Kafka") && kinds.containsKey("ApicurioRegistry") && kinds.get("Deployment") >= 2,
                values + ": " + kinds);
    }

    @Test
    void addingAModelIsOneValuesEntry(@TempDir Path dir) throws IOException {
        Path values = dir.resolve("one-more-model.yaml");
        // An id that is not a valid topic name as it stands: the topic gets the same name the invokers use.
        Files.writeString(values, """
                models:
                  - id: acme/med-llm@2026-11
                    name: med-llm
                    provider: openai
                    baseUrl: https://llm.acme.example/v1
                    modelName: med-llm
                    apiKeySecret: {name: acme-api-key, key: key}
                    requestsPerMinute: 600
                    concurrency: 8
                    latencyMs: 2000
                    egress:
                      - {cidr: 203.0.113.0/24, port: 443}
                """);
        List<ObjectNode> objects = Chart.parse(Chart.template()
                .withValuesFile(Chart.directory().resolve("values-production.yaml")).withValuesFile(values).call());
        assertEquals(List.of(), ManifestCheck.problems(objects, expectations("values-production.yaml", objects,
                Set.of("acme-api-key"))));

        ObjectNode invoker = Chart.find(objects, "Deployment", "model-invoker-med-llm").orElseThrow();
        JsonNode container = invoker.path("spec").path("template").path("spec").path("containers").get(0);
        Map<String, String> env = new TreeMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText(
                e.path("valueFrom").path("secretKeyRef").path("name").asText())));
        assertEquals("acme/med-llm@2026-11", env.get("CARES_MODEL_ID"));
        assertEquals("https://llm.acme.example/v1", env.get("CARES_MODEL_BASE_URL"));
        assertEquals("600", env.get("CARES_MODEL_REQUESTS_PER_MINUTE"));
        assertEquals("8", env.get("CARES_MODEL_CONCURRENCY"));
        assertEquals("acme-api-key", env.get("MODEL_API_KEY"), "the key comes from its Secret, never from values");
        assertEquals("MODEL_API_KEY", env.get("CARES_MODEL_API_KEY_ENV"));
        assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST"), "the generated container's own environment is kept");
        assertTrue(invoker.path("spec").path("replicas").isMissingNode(), "KEDA owns the replica count");

        ObjectNode scaled = Chart.find(objects, "ScaledObject", "model-invoker-med-llm").orElseThrow();
        JsonNode trigger = scaled.path("spec").path("triggers").get(0).path("metadata");
        assertEquals("model-invoker.acme/med-llm@2026-11", trigger.path("consumerGroup").asText());
        assertEquals("cares.prompts", trigger.path("topic").asText());
        // 600 calls a minute at 2 s each, 8 at a time per instance: 3 instances use the whole limit.
        assertEquals(3, scaled.path("spec").path("maxReplicaCount").asInt());

        ObjectNode topic = Chart.find(objects, "KafkaTopic", "model-invoker-med-llm-done").orElseThrow();
        assertEquals(Topics.answered("acme/med-llm@2026-11"), topic.path("spec").path("topicName").asText());
        assertTrue(Chart.find(objects, "NetworkPolicy", "model-invoker-med-llm").orElseThrow().toString()
                .contains("203.0.113.0/24"), "its endpoint, and only its own, is reachable");
        assertTrue(Chart.find(objects, "PodDisruptionBudget", "model-invoker-med-llm").isPresent());
        // The values file replaced the models: the other two are gone with their entries.
        assertTrue(Chart.find(objects, "Deployment", "model-invoker-gpt-4o-mini").isEmpty());
    }

    @Test
    void autoscalingStartsNoMoreInstancesThanThePartitionsOrTheRateLimitCanUse() {
        List<ObjectNode> objects = Chart.render("values-production.yaml");
        Map<String, Integer> max = new TreeMap<>();
        Chart.ofKind(objects, "ScaledObject").forEach(s -> max.put(s.path("metadata").path("name").asText(),
                s.path("spec").path("maxReplicaCount").asInt()));
        // gpt-4o-mini: 5,000/min x 3 s / 16 per instance = 15.6, so 16, capped by its 12 and by 12 partitions.
        // claude-haiku: 1,000/min x 4 s / 16 = 4.2, so 5. The judge: 5,000/min x 2 s / 16 = 10.4, so 11.
        assertEquals(Map.of("judge-service-gpt-4o-mini-judge", 11, "model-invoker-claude-haiku", 5,
                "model-invoker-gpt-4o-mini", 12), max);
        JsonNode env = Chart.find(objects, "Deployment", "model-invoker-gpt-4o-mini").orElseThrow().path("spec")
                .path("template").path("spec").path("containers").get(0).path("env");
        env.forEach(e -> {
            if (e.path("name").asText().equals("CARES_MODEL_TOKENS_PER_MINUTE")) {
                assertEquals("2000000", e.path("value").asText(), "an integer, not Helm's float 2e+06");
            }
        });
        Chart.ofKind(objects, "ScaledObject").forEach(s -> assertEquals("earliest", s.path("spec").path("triggers")
                .get(0).path("metadata").path("offsetResetPolicy").asText(), "a new model's whole backlog is its lag"));
    }

    @Test
    void theServicesContainersAreTheOnesQuarkusGenerated() throws IOException {
        List<ObjectNode> objects = Chart.render("values-production.yaml");
        for (String service : List.of("prompt-generator", "scorer-service")) {
            JsonNode generated = Chart.parse(Chart.read(Chart.directory().resolve("generated/" + service + ".yml"))).stream()
                    .filter(o -> o.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()
                    .path("spec").path("template").path("spec").path("containers").get(0);
            JsonNode rendered = Chart.find(objects, "Deployment", service).orElseThrow()
                    .path("spec").path("template").path("spec").path("containers").get(0);
            for (String field : List.of("ports", "livenessProbe", "readinessProbe", "startupProbe", "resources", "envFrom")) {
                assertEquals(generated.path(field), rendered.path(field), service + " " + field);
            }
        }
    }

    /** The chart's copies of the generated manifests are what the services' builds generate now. */
    @Test
    void theChartsGeneratedManifestsAreCurrent() {
        List<String> stale = new ArrayList<>();
        for (String service : SERVICES) {
            Path built = Chart.root().resolve(service).resolve("target/kubernetes/kubernetes.yml");
            Path copy = Chart.directory().resolve("generated").resolve(service + ".yml");
            if (!Files.exists(built)) {
                fail(built + " is missing: build the services first (./mvnw install)");
            }
            if (!normalized(Chart.parse(Chart.read(built))).equals(normalized(Chart.parse(Chart.read(copy))))) {
                stale.add(Chart.root().relativize(copy).toString());
            }
        }
        assertEquals(List.of(), stale, "run ./deploy/kubernetes/generate.sh --no-build and commit the result");
    }

    /**
     * The generator writes labels and ports in an order that changes from build to build: objects compare
     * regardless of field order, and lists of named items are sorted by name.
     */
    private static List<JsonNode> normalized(List<ObjectNode> objects) {
        return objects.stream().map(ChartTest::sortNamedLists).toList();
    }

    private static JsonNode sortNamedLists(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = node.deepCopy();
            node.properties().forEach(field -> copy.set(field.getKey(), sortNamedLists(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(item -> items.add(sortNamedLists(item)));
            if (items.stream().allMatch(item -> item.has("name"))) {
                items.sort(java.util.Comparator.comparing(item -> item.path("name").asText()));
            }
            return Chart.YAML.valueToTree(items);
        }
        return node;
    }

    // ---- Each kind of mistake is caught ----

    @Test
    void aTopicNameTheServicesDoNotUseIsCaught() {
        List<String> problems = problemsAfter("values-production.yaml", objects ->
                ((ObjectNode) Chart.find(objects, "KafkaTopic", "cares-prompts").orElseThrow().path("spec"))
                        .put("topicName", "cares.prompt"));
        assertHas(problems, "the services use topic cares.prompts, which no KafkaTopic declares");
        assertHas(problems, "KafkaTopic cares-prompts: declares topic cares.prompt, which no service uses");
        assertHas(problems, "ScaledObject model-invoker-gpt-4o-mini: trigger on topic cares.prompts, which no KafkaTopic declares");
    }

    @Test
    void aTopicSettingThatWouldLoseEventsIsCaught() {
        List<String> problems = problemsAfter("values-production.yaml", objects ->
                ((ObjectNode) Chart.find(objects, "KafkaTopic", "cares-prompts-dlq-model-invoker").orElseThrow()
                        .path("spec").path("config")).put("retention.ms", "604800000"));
        assertHas(problems, "KafkaTopic cares-prompts-dlq-model-invoker: config");
    }

    @Test
    void aMissingSecretIsCaught() {
        List<String> problems = problemsAfter("values-production.yaml", objects -> {
            JsonNode env = Chart.find(objects, "Deployment", "model-invoker-gpt-4o-mini").orElseThrow()
                    .path("spec").path("template").path("spec").path("containers").get(0).path("env");
            env.forEach(e -> {
                if (e.path("name").asText().equals("MODEL_API_KEY")) {
                    ((ObjectNode) e.path("valueFrom").path("secretKeyRef")).put("name", "openai-api-kee");
                }
            });
        });
        assertHas(problems, "Deployment model-invoker-gpt-4o-mini: env MODEL_API_KEY names Secret openai-api-kee");
    }

    @Test
    void anInvalidResourceIsCaught() {
        List<String> problems = problemsAfter("values-production.yaml", objects -> {
            ObjectNode scorer = Chart.find(objects, "Deployment", "scorer-service").orElseThrow();
            ((ObjectNode) scorer.path("spec")).put("replica", 2);
            ((ObjectNode) scorer.path("spec").path("template").path("spec").path("containers").get(0)
                    .path("resources").path("limits")).put("memory", "768 MB");
            ((ObjectNode) Chart.find(objects, "Deployment", "prompt-generator").orElseThrow().path("spec"))
                    .put("replicas", "two");
            ((ObjectNode) Chart.find(objects, "Kafka", "cares").orElseThrow().path("spec").path("kafka"))
                    .put("listener", "tls");
            ((ObjectNode) Chart.find(objects, "ScaledObject", "model-invoker-claude-haiku").orElseThrow()
                    .path("spec")).put("maxReplicas", 4);
        });
        assertHas(problems, "Deployment scorer-service: unknown field spec.replica");
        assertHas(problems, "Deployment scorer-service: resources.limits.memory 768 MB is not a quantity");
        assertHas(problems, "Deployment prompt-generator: does not parse as apps/v1/Deployment");
        assertHas(problems, "Kafka cares: unknown field spec.kafka.listener");
        assertHas(problems, "ScaledObject model-invoker-claude-haiku: #/spec: extraneous key [maxReplicas] is not permitted");
    }

    @Test
    void referencesBetweenObjectsAreChecked() {
        List<String> problems = problemsAfter("values-production.yaml", objects -> {
            ((ObjectNode) Chart.find(objects, "ScaledObject", "model-invoker-claude-haiku").orElseThrow()
                    .path("spec").path("scaleTargetRef")).put("name", "model-invoker-claude");
            ((ObjectNode) Chart.find(objects, "Service", "scorer-service").orElseThrow().path("spec").path("ports").get(0))
                    .put("targetPort", "web");
            ((ObjectNode) Chart.find(objects, "Deployment", "scorer-service").orElseThrow().path("spec").path("template")
                    .path("spec")).put("serviceAccountName", "scorer");
            ((ObjectNode) Chart.find(objects, "KafkaUser", "judge-service").orElseThrow().path("spec").path("authorization")
                    .path("acls").get(0).path("resource")).put("name", "cares.prompts");
        });
        assertHas(problems, "ScaledObject model-invoker-claude-haiku: scaleTargetRef model-invoker-claude is not a Deployment");
        assertHas(problems, "Service scorer-service: targetPort web is not a port of Deployment scorer-service");
        assertHas(problems, "Deployment scorer-service: service account scorer is not in the render");
        assertHas(problems, "KafkaUser judge-service: ACLs differ from ServiceGrants: more [topic cares.prompts literal read]");
    }

    @Test
    void aModelWhoseNameIsNotAKubernetesNameIsRefusedByTheChart(@TempDir Path dir) throws IOException {
        Path values = dir.resolve("bad-name.yaml");
        Files.writeString(values, """
                models:
                  - {id: gpt@1, name: GPT_1, baseUrl: https://api.openai.com/v1, modelName: gpt}
                """);
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Chart.template().withValuesFile(values).call());
        assertTrue(refused.getMessage().contains("model-invoker gpt@1: name \"GPT_1\" must be lowercase"),
                refused.getMessage());
    }

    private static List<String> problemsAfter(String values, Consumer<List<ObjectNode>> mistake) {
        List<ObjectNode> objects = Chart.render(values);
        assertEquals(List.of(), ManifestCheck.problems(objects, expectations(values, objects)), "sound before the mistake");
        mistake.accept(objects);
        List<String> problems = ManifestCheck.problems(objects, expectations(values, objects));
        problems.forEach(p -> System.out.println("[chart] caught: " + p));
        return problems;
    }

    private static void assertHas(List<String> problems, String start) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(start)), "expected a problem starting with \"" + start
                + "\" among " + problems);
    }

    // ---- What the services and the values' user bring ----

    static ManifestCheck.Expectations expectations(String values, List<ObjectNode> objects) {
        return expectations(values, objects, Set.of());
    }

    /**
     * The topics the services declare in their own settings (cares.topics.required), and each rendered worker's
     * done topic; the Secrets the values say their user makes.
     */
    static ManifestCheck.Expectations expectations(String values, List<ObjectNode> objects, Set<String> moreSecrets) {
        Set<String> topics = new TreeSet<>();
        for (String service : SERVICES) {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(Chart.read(Chart.root().resolve(service)
                        .resolve("src/main/resources/application.properties"))));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            for (String topic : properties.getProperty("cares.topics.required").split(",")) {
                topics.add(topic.trim());
            }
        }
        Chart.ofKind(objects, "Deployment").forEach(d -> {
            String worker = d.path("metadata").path("annotations").path("cares-stream.io/worker-id").asText("");
            String service = d.path("metadata").path("labels").path("app.kubernetes.io/name").asText();
            if (!worker.isEmpty()) {
                topics.add(service.equals("model-invoker") ? Topics.answered(worker) : Topics.judged(worker));
            }
        });
        Set<String> secrets = new TreeSet<>(moreSecrets);
        JsonNode tree = Chart.values(values);
        for (JsonNode secret : tree.findValues("apiKeySecret")) {
            secrets.add(secret.path("name").asText());
        }
        for (String field : List.of("serviceTokenSecret", "publicKeySecret")) {
            tree.findValues(field).forEach(secret -> secrets.add(secret.path("name").asText()));
        }
        return new ManifestCheck.Expectations(topics, secrets);
    }
}
