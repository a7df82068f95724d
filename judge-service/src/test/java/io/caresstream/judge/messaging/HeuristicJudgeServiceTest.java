package io.caresstream.judge.messaging;

import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.domain.EventKeys;
import io.caresstream.domain.Topics;
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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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
    void responsesAreLabelledByThePhraseRulesAndMarkedHeuristic() {
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
    }
}
