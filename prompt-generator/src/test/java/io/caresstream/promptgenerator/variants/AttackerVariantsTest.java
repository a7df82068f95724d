package io.caresstream.promptgenerator.variants;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SimulatedModelResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.serde.PromptLogScan;
import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rewrites written by an attacker model (the simulated one) on a real broker and registry. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(value = SimulatedModelResource.class,
        initArgs = @ResourceArg(name = "base-url-key", value = "cares.attacker.base-url"))
class AttackerVariantsTest {

    @Inject
    SuiteCatalogue catalogue;

    @Inject
    PromptLogScan promptLog;

    private void importSample(String suite) throws InterruptedException {
        String sample = TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl").toString();
        asOperator().contentType(ContentType.JSON).body(Map.of("file", sample, "suite", suite))
                .when().post("/api/suites/import-path").then().statusCode(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (catalogue.summary(suite).map(s -> s.prompts() < 64).orElse(true) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Test
    void rolePlayRewritesInheritTheirBaseAndFailedRewritesAreCountedNotPublished() throws Exception {
        importSample("attacked");
        SimulatedModelResource.server().setProfile(new Profile(null, null, null, 0, null,
                new Profile.AttackerFailures(List.of("neighbour's hospital admission"), List.of("pulse oximeter"),
                        List.of("sick note"))));
        long callsBefore = SimulatedModelResource.server().stats().getOrDefault("requests", 0L);

        asOperator().contentType(ContentType.JSON).body(Map.of("method", "role_play", "seed", 1))
                .when().post("/api/suites/attacked/variants")
                .then().statusCode(200)
                .body("generator", equalTo("simulated-attacker@templates-v1"))
                .body("basePrompts", equalTo(16))
                .body("published", equalTo(13))
                .body("duplicates", equalTo(0))
                .body("failed", equalTo(3))
                .body("failuresByReason.refused", equalTo(1))
                .body("failuresByReason.empty", equalTo(1))
                .body("failuresByReason.unchanged", equalTo(1));

        List<PromptEvent> rewrites = AvroTopics.of(TestInfrastructure.shared()).read(Topics.PROMPTS, PromptEvent.class,
                        p -> p.getMetadata().getSuite().equals("attacked") && p.getRewrite() != null, 13,
                        Duration.ofSeconds(20))
                .stream().map(ConsumerRecord::value).toList();
        assertEquals(13, rewrites.size());
        Map<String, PromptEvent> directByBase = promptLog.suite("attacked").stream()
                .filter(p -> p.getMetadata().getMethod() == Method.DIRECT)
                .collect(Collectors.toMap(p -> p.getMetadata().getBasePromptId(), Function.identity()));
        for (PromptEvent rewrite : rewrites) {
            PromptEvent base = directByBase.get(rewrite.getMetadata().getBasePromptId());
            assertEquals(Method.ROLE_PLAY, rewrite.getMetadata().getMethod());
            assertEquals(base.getMetadata().getPrinciple(), rewrite.getMetadata().getPrinciple());
            assertEquals(base.getMetadata().getHarmLevel(), rewrite.getMetadata().getHarmLevel());
            assertEquals("simulated-attacker@templates-v1", rewrite.getRewrite().getGeneratorModel());
            assertTrue(rewrite.getRewrite().getTemplate().startsWith("role_play/"), rewrite.getRewrite().getTemplate());
            assertTrue(rewrite.getPrompt().startsWith(SimulatedModelServer.ATTACKER_MARK), rewrite.getPrompt());
            assertTrue(rewrite.getPrompt().endsWith(base.getBasePrompt()));
            assertTrue(!rewrite.getBasePrompt().contains("sick note") && !rewrite.getBasePrompt().contains("pulse oximeter"));
        }
        Set<String> personas = rewrites.stream().map(r -> r.getRewrite().getTemplate()).collect(Collectors.toSet());
        assertTrue(personas.size() >= 2, "the seed spreads base prompts over the personas: " + personas);
        assertEquals(16L, SimulatedModelResource.server().stats().get("requests") - callsBefore,
                "one attacker call per base prompt");

        // The same run again writes the same rewrites, which the suite already holds.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (catalogue.summary("attacked").map(s -> s.prompts() < 77).orElse(true) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        asOperator().contentType(ContentType.JSON).body(Map.of("method", "role_play", "seed", 1))
                .when().post("/api/suites/attacked/variants")
                .then().statusCode(200)
                .body("published", equalTo(0))
                .body("duplicates", equalTo(13))
                .body("failed", equalTo(3));

        // Indirect rewrites and the attacker's obfuscation, on a sample; every base prompt is accounted for.
        for (String method : List.of("indirect", "obfuscate")) {
            Map<String, Object> report = asOperator().contentType(ContentType.JSON)
                    .body(Map.of("method", method, "generator", "attacker", "seed", 2, "sample", 8))
                    .when().post("/api/suites/attacked/variants")
                    .then().statusCode(200).extract().as(Map.class);
            assertEquals(8, report.get("basePrompts"));
            assertEquals(8, (int) report.get("published") + (int) report.get("duplicates") + (int) report.get("failed"),
                    report.toString());
        }
        asOperator().contentType(ContentType.JSON).body(Map.of("method", "indirect", "generator", "deterministic"))
                .when().post("/api/suites/attacked/variants").then().statusCode(400);
        asOperator().contentType(ContentType.JSON).body(Map.of("method", "direct"))
                .when().post("/api/suites/attacked/variants").then().statusCode(400);
    }

    @Test
    void anAttackerThatCannotBeReachedIsCountedAsFailedCallsAndNothingIsPublished() throws Exception {
        importSample("unreachable-attacker");
        SimulatedModelResource.server().setProfile(new Profile(null, null, null, 0,
                new Profile.Faults(0, 1, 1.0, 0, 1000), null));
        try {
            asOperator().contentType(ContentType.JSON).body(Map.of("method", "indirect", "seed", 5, "sample", 3))
                    .when().post("/api/suites/unreachable-attacker/variants")
                    .then().statusCode(200)
                    .body("published", equalTo(0))
                    .body("failuresByReason.call_failed", equalTo(3));
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
    }
}
