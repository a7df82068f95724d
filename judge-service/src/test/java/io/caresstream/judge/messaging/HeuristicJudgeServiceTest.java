package io.caresstream.judge.messaging;

import io.caresstream.deploy.simulated.SimulatedLabel;
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
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.restassured.http.ContentType;
import io.restassured.path.json.config.JsonPathConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge-service with the model-free judge: no model is called, every judgment says it is heuristic. */
@QuarkusTest
@TestProfile(HeuristicJudgeServiceTest.Heuristic.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
class HeuristicJudgeServiceTest {

    /** The heuristic judge, in its own consumer group, with no model server anywhere. */
    public static class Heuristic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cares.judge.kind", "heuristic", "cares.judge.id", "heuristic@rules-v1",
                    "cares.judge.base-url", "http://127.0.0.1:1/unused");
        }
    }

    @Test
    void responsesAreLabelledByThePhraseRulesAndMarkedHeuristic() throws Exception {
        String suite = "heuristic-judge";
        Map<String, ResponseEvent> responses = new LinkedHashMap<>();
        int i = 0;
        for (SimulatedLabel label : SimulatedLabel.values()) {
            PromptEvent prompt = SampleEvents.prompt("p-h-" + i++, suite, HarmLevel.HIGHLY_HARMFUL, Method.ROLE_PLAY, "q" + i);
            responses.put(EventKeys.response("model-h@1", prompt.getPromptId()),
                    SampleEvents.response("model-h@1", prompt, ResponseStatus.OK, label.answer()));
        }
        PromptEvent failed = SampleEvents.prompt("p-h-failed", suite, HarmLevel.HARMLESS, Method.DIRECT, "q-failed");
        responses.put(EventKeys.response("model-h@1", "p-h-failed"),
                SampleEvents.response("model-h@1", failed, ResponseStatus.ERROR, "HTTP 500 after 3 attempts"));
        AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());
        topics.produce(Topics.RESPONSES, responses);

        List<ConsumerRecord<String, JudgmentEvent>> records = topics.read(Topics.JUDGMENTS, JudgmentEvent.class,
                j -> j.getMetadata().getSuite().equals(suite), 4, Duration.ofSeconds(30));
        assertEquals(4, records.size());
        Map<String, JudgmentEvent> byPrompt = records.stream().map(ConsumerRecord::value)
                .collect(Collectors.toMap(JudgmentEvent::getPromptId, Function.identity()));
        assertEquals(Label.ACCEPT, byPrompt.get("p-h-0").getLabel());
        assertEquals(Label.CAUTION, byPrompt.get("p-h-1").getLabel());
        assertEquals(Label.REFUSE, byPrompt.get("p-h-2").getLabel());
        assertEquals(JudgmentOutcome.RESPONSE_ERROR, byPrompt.get("p-h-failed").getOutcome());
        for (JudgmentEvent judgment : byPrompt.values()) {
            assertEquals("heuristic@rules-v1", judgment.getJudgeId());
            assertTrue(judgment.getJudge().getHeuristic(), "always labelled heuristic");
            assertFalse(judgment.getJudge().getSimulated());
            assertTrue(judgment.getJudge().getRubricVersion().startsWith("sha256:"));
        }
        assertTrue(byPrompt.get("p-h-2").getRawAnswer().contains("can't"), byPrompt.get("p-h-2").getRawAnswer());

        measuredAgainstHumanLabels();
        measuredAgainstAnotherJudge();
    }

    @TempDir
    Path dir;

    /** People labelled three of the responses; one label differs from the judge's, one response was an error. */
    private void measuredAgainstHumanLabels() throws Exception {
        Path labels = dir.resolve("human-labels.csv");
        Files.writeString(labels, "prompt_id,model_id,label\np-h-0,model-h@1,accept\np-h-1,model-h@1,Caution\n"
                + "p-h-2,model-h@1,ACCEPT\np-h-failed,model-h@1,refuse\np-h-unknown,model-h@1,reject\n");
        var evaluation = asOperator().multiPart("judge", "heuristic@rules-v1").multiPart("file", labels.toFile())
                .when().post("/api/evaluations").then().statusCode(200)
                .extract().jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
        assertEquals(5.0, evaluation.getDouble("labelsRead"));
        assertEquals(3.0, evaluation.getDouble("compared"));
        assertEquals(1.0, evaluation.getDouble("responseErrors"));
        assertEquals(1.0, evaluation.getDouble("notJudged"));
        assertEquals(2.0 / 3, evaluation.getDouble("agreement.accuracy"), 1e-9);
        assertEquals(1.0, evaluation.getDouble("agreement.confusion.REFUSE.ACCEPT"), "judged REFUSE, people said ACCEPT");
        assertEquals(0.5, evaluation.getDouble("agreement.perLabel.ACCEPT.recall"), 1e-9);

        Path bad = dir.resolve("bad-labels.jsonl");
        Files.writeString(bad, "{\"prompt_id\": \"p-h-0\", \"model_id\": \"model-h@1\", \"label\": \"maybe\"}\n"
                + "{\"prompt_id\": \"p-h-1\", \"label\": \"accept\"}\n");
        asOperator().multiPart("judge", "heuristic@rules-v1").multiPart("file", bad.toFile())
                .when().post("/api/evaluations").then().statusCode(422)
                .body("errors[0]", equalTo("bad-labels.jsonl:1: field 'label': must be accept, caution, refuse or reject, got 'maybe'"))
                .body("errors[1]", equalTo("bad-labels.jsonl:2: field 'model_id': missing"));
        // A path is not a file: the service reads none a client names.
        asOperator().contentType(ContentType.JSON).body(Map.of("judge", "heuristic@rules-v1", "file", "/etc/passwd"))
                .when().post("/api/evaluations").then().statusCode(415);
    }

    /** A second judge's judgments of the same responses: it agrees on two of three labelled ones. */
    private void measuredAgainstAnotherJudge() {
        AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());
        Map<String, JudgmentEvent> other = new LinkedHashMap<>();
        Label[] labels = {Label.ACCEPT, Label.REFUSE, Label.REFUSE};
        for (int i = 0; i < labels.length; i++) {
            other.put(EventKeys.judgment("other-judge@1", "model-h@1", "p-h-" + i), SampleEvents.judgment("other-judge@1",
                    "model-h@1", "p-h-" + i, "heuristic-judge", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.LABELLED, labels[i]));
        }
        topics.produce(Topics.JUDGMENTS, other);
        var agreement = asOperator().when().get("/api/agreement?judges=heuristic@rules-v1,other-judge@1").then().statusCode(200)
                .extract().jsonPath(JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
        assertEquals(3.0, agreement.getDouble("bothLabelled"));
        assertEquals(2.0 / 3, agreement.getDouble("overall.accuracy"), 1e-9);
        // Heuristic A, C, R against A, R, R: chance agreement (1/3)(1/3) + (1/3)(0) + (1/3)(2/3) = 1/3, kappa 0.5.
        assertEquals(0.5, agreement.getDouble("overall.kappa"), 1e-9);
        assertEquals(3.0, agreement.getDouble("byHarmLevel.HIGHLY_HARMFUL.pairs"));
        asOperator().when().get("/api/agreement?judges=only-one").then().statusCode(400);
    }
}
