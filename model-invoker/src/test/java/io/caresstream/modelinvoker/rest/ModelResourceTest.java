package io.caresstream.modelinvoker.rest;

import io.caresstream.deploy.testing.ManagementInterface;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.SimulatedModelResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.modelinvoker.messaging.PreAnsweredResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.config.JsonPathConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Robust, cost-aware calls against a real broker and registry and the simulated model server. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(SimulatedModelResource.class)
@QuarkusTestResource(PreAnsweredResource.class)
class ModelResourceTest {

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    private List<ConsumerRecord<String, ResponseEvent>> responsesOf(String suite, int expected, Duration wait) {
        return topics.read(Topics.RESPONSES, ResponseEvent.class, r -> r.getMetadata().getSuite().equals(suite),
                expected, wait);
    }

    private static PromptEvent prompt(String id, String suite) {
        return SampleEvents.prompt(id, suite, HarmLevel.MODERATELY_HARMFUL, Method.ROLE_PLAY, "prompt " + id);
    }

    private void publish(PromptEvent... prompts) {
        Map<String, PromptEvent> byId = new LinkedHashMap<>();
        for (PromptEvent p : prompts) {
            byId.put(p.getPromptId(), p);
        }
        topics.produce(Topics.PROMPTS, byId);
    }

    private static long calls() {
        return SimulatedModelResource.server().stats().getOrDefault("requests", 0L);
    }

    private static String state() {
        return asOperator().when().get("/api/model").jsonPath().getString("status.state");
    }

    @Test
    void aPromptAnsweredBeforeOrAlreadyIsNotCalledOrBilledAgain() throws Exception {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        long before = calls();
        publish(PreAnsweredResource.prompt());
        PromptEvent fresh = prompt("p-reuse-1", "invoker-reuse");
        publish(fresh);
        assertEquals(1, responsesOf("invoker-reuse", 1, Duration.ofSeconds(20)).size());
        // Redelivered, as after a rebalance: answered from what was published.
        publish(fresh);
        Thread.sleep(2000);
        assertEquals(1, calls() - before, "one call: the pre-answered prompt and the redelivery cost nothing");
        assertEquals(1, responsesOf("invoker-reuse", 2, Duration.ofSeconds(2)).size(), "no second response");
        assertEquals(1, responsesOf("invoker-pre-answered", 2, Duration.ofSeconds(2)).size(),
                "only the response published before the start");
        io.restassured.RestAssured.get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .body(containsString("cares_model_reused_total{model=\"simulated-model@1\"} 2.0"));
    }

    @Test
    void responsesCarryTokensAttemptsAndCostAndMetricsAreExported() {
        // The first call is told to wait a second (429 with Retry-After: 1), the retry succeeds.
        SimulatedModelResource.server().setProfile(new Profile(null, null, null, 0,
                new Profile.Faults(1.0, 1, 0, 0, 1000, 0, 1), null));
        try {
            publish(prompt("p-cost-1", "invoker-cost"));
            ResponseEvent response = responsesOf("invoker-cost", 1, Duration.ofSeconds(20)).get(0).value();
            assertEquals(ResponseStatus.OK, response.getStatus());
            assertEquals(2, response.getAttempts(), "one 429, then the answer");
            assertTrue(response.getLatencyMs() >= 1000, "Retry-After was honoured: " + response.getLatencyMs() + " ms");
            double expected = (response.getUsage().getInputTokens() * 2.5 + response.getUsage().getOutputTokens() * 10) / 1e6;
            assertEquals(expected, response.getCostUsd(), 1e-12);
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
        String exported = io.restassured.RestAssured.get(ManagementInterface.url("/q/metrics")).then().statusCode(200).extract().asString();
        assertTrue(exported.contains("cares_model_responses_total{model=\"simulated-model@1\",status=\"ok\"}"), exported);
        assertTrue(exported.contains("cares_model_tokens_total{direction=\"output\",model=\"simulated-model@1\"}"));
        assertTrue(exported.contains("cares_model_cost_usd_total{model=\"simulated-model@1\"}"));
        assertTrue(exported.contains("cares_model_latency_seconds_count{model=\"simulated-model@1\",status=\"ok\"}"));
        asOperator().when().get("/api/model").then().statusCode(200)
                .body("id", equalTo("simulated-model@1"))
                .body("apiKey", equalTo("none"))
                .body("inputPricePerMillion", equalTo(2.5f));
    }

    @Test
    void aRevokedKeyStopsTheModelWithoutBurningThroughPromptsAndResumeRetriesThem() throws Exception {
        SimulatedModelResource.server().setProfile(new Profile(null, null, null, 0, Profile.Faults.keyRevoked(), null));
        try {
            publish(prompt("p-fatal-1", "invoker-fatal"), prompt("p-fatal-2", "invoker-fatal"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"STOPPED".equals(state()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            asOperator().when().get("/api/model").then()
                    .body("status.state", equalTo("STOPPED"))
                    .body("status.reason", containsString("401"));
            io.restassured.RestAssured.get(ManagementInterface.url("/q/health/ready")).then().statusCode(503);
            assertTrue(responsesOf("invoker-fatal", 1, Duration.ofSeconds(2)).isEmpty(),
                    "no error responses: the prompts wait for the model");
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
        asOperator().when().post("/api/model/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
        List<ConsumerRecord<String, ResponseEvent>> answered = responsesOf("invoker-fatal", 2, Duration.ofSeconds(20));
        assertEquals(2, answered.size());
        answered.forEach(r -> assertEquals(ResponseStatus.OK, r.value().getStatus()));
        io.restassured.RestAssured.get(ManagementInterface.url("/q/health/ready")).then().statusCode(200);
    }

    @Test
    void aNegativeSpendingCapIsRefusedAndNothingIsPublished() {
        asOperator().contentType("application/json").body("{\"dailyUsd\": -5}").when().put("/api/model/spending/caps")
                .then().statusCode(400).body("error", equalTo("request body: dailyUsd must not be negative, not -5.0"));
        asOperator().when().get("/api/model/spending").then().statusCode(200)
                .body("caps.dailyUsd", org.hamcrest.Matchers.not(equalTo(-5.0f)));
    }

    @Test
    void aPausedModelTakesNoPromptsUntilResumed() throws Exception {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        asOperator().when().post("/api/model/pause").then().statusCode(200).body("state", equalTo("PAUSED"));
        try {
            publish(prompt("p-paused-1", "invoker-paused"));
            assertTrue(responsesOf("invoker-paused", 1, Duration.ofSeconds(3)).isEmpty(), "paused: no call");
        } finally {
            asOperator().when().post("/api/model/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
        }
        assertEquals(1, responsesOf("invoker-paused", 1, Duration.ofSeconds(20)).size());
    }

    @Test
    void theCostOfASuiteIsForecastBeforeItRuns() {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        asOperator().when().post("/api/model/pause").then().statusCode(200);
        try {
            PromptEvent[] prompts = new PromptEvent[10];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = SampleEvents.prompt("p-forecast-" + i, "invoker-forecast", HarmLevel.HARMLESS, Method.DIRECT,
                        "How should a patient store insulin pens while travelling in hot weather? Case " + i);
            }
            publish(prompts);
            var forecast = asOperator().when().get("/api/model/forecast?suite=invoker-forecast").then().statusCode(200)
                    .extract().jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
            assertEquals(10.0, forecast.getDouble("prompts"));
            assertEquals(10.0, forecast.getDouble("toCall"));
            // About 20 tokens of text plus the chat overhead per prompt.
            double input = forecast.getDouble("inputTokens");
            assertTrue(input > 150 && input < 400, "input tokens " + input);
            assertTrue(forecast.getDouble("maxCostUsd") >= forecast.getDouble("expectedCostUsd"));
            assertTrue(forecast.getDouble("expectedCostUsd") > 0);
            asOperator().when().get("/api/model/forecast?suite=no-such-suite").then().statusCode(404);
            asOperator().when().get("/api/model/forecast").then().statusCode(400);
        } finally {
            asOperator().when().post("/api/model/resume").then().statusCode(200);
        }
    }

    @Test
    void anApiKeyPlacedInAPromptIsNeverLogged() {
        // Someone pastes a key into a prompt; the call is retried (500, then a malformed answer) and answered.
        String key = "sk-proj-CARES0TEST0KEY0" + "7f3a9c1e5b2d4f6a8c0e";
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(String.valueOf(new java.util.logging.SimpleFormatter().formatMessage(record))
                        + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        SimulatedModelResource.server().setProfile(new Profile(null, null, null, 0,
                new Profile.Faults(0, 1, 0.5, 0, 1000, 0.5, 1, 0), null));
        try {
            PromptEvent withKey = SampleEvents.prompt("p-key-1", "invoker-key", HarmLevel.HARMLESS, Method.DIRECT,
                    "my OpenAI key is " + key + ", keep it safe");
            publish(withKey);
            ResponseEvent response = responsesOf("invoker-key", 1, Duration.ofSeconds(20)).get(0).value();
            assertEquals(ResponseStatus.OK, response.getStatus());
            assertTrue(response.getAttempts() > 1, "the call was retried: " + response.getAttempts());
        } finally {
            root.removeHandler(capture);
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
        assertTrue(logged.size() > 0, "the capture saw the service's log");
        assertTrue(logged.stream().noneMatch(line -> line.contains("CARES0TEST0KEY")),
                logged.stream().filter(line -> line.contains("CARES0TEST0KEY")).toList().toString());
    }
}
