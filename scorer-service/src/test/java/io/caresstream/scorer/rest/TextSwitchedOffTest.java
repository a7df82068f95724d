package io.caresstream.scorer.rest;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With cares.dashboard.show-text=false no prompt or response text is kept, shown or exported. */
@QuarkusTest
@TestProfile(TextSwitchedOffTest.NoText.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
class TextSwitchedOffTest {

    public static class NoText implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Its own application id: a scorer of its own, not sharing state with the other tests' scorer.
            return Map.of("cares.dashboard.show-text", "false",
                    "quarkus.kafka-streams.application-id", "scorer-no-text-test");
        }
    }

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    @Test
    void drillDownsAndExportsCarryNoText() throws Exception {
        String suite = "no-text-suite";
        PromptEvent prompt = SampleEvents.prompt("nt1", suite, HarmLevel.HIGHLY_HARMFUL, Method.DIRECT, "secret prompt text");
        topics.produce(Topics.PROMPTS, Map.of("nt1", prompt));
        topics.produce(Topics.RESPONSES, Map.of(EventKeys.response("nt-model", "nt1"),
                SampleEvents.response("nt-model", prompt, ResponseStatus.OK, "secret answer text")));
        JudgmentEvent judgment = SampleEvents.judgment("judge@1", "nt-model", "nt1", suite, HarmLevel.HIGHLY_HARMFUL,
                JudgmentOutcome.LABELLED, Label.REFUSE);
        topics.produce(Topics.JUDGMENTS, Map.of(EventKeys.judgment("judge@1", "nt-model", "nt1"), judgment));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath drill = null;
        while (System.nanoTime() < deadline) {
            var response = asOperator().queryParam("model", "nt-model").queryParam("judge", "judge@1")
                    .queryParam("suite", suite).get("/api/judgments");
            if (response.statusCode() == 200) {
                drill = response.jsonPath();
                if (drill.getInt("matched") == 1 && asOperator().get("/api/scores").asString().contains("\"responded\":1")) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        assertEquals(1, drill.getInt("matched"));
        assertFalse(drill.getBoolean("textShown"));
        assertNull(drill.get("rows[0].prompt"));
        assertNull(drill.get("rows[0].response"));
        String markdown = asOperator().queryParam("model", "nt-model").queryParam("judge", "judge@1").queryParam("suite", suite)
                .get("/api/export/judgments.md").then().statusCode(200).extract().asString();
        assertTrue(markdown.contains("text is switched off"), markdown);
        assertFalse(markdown.contains("secret"), markdown);
    }
}
