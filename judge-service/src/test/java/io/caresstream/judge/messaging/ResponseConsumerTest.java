package io.caresstream.judge.messaging;

import io.caresstream.deploy.testing.ManagementInterface;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.ProducerThrottle;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.SimulatedModelResource;
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
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge against a real broker and registry, with the simulated judge over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(value = SimulatedModelResource.class,
        initArgs = @ResourceArg(name = "base-url-key", value = "cares.judge.base-url"))
class ResponseConsumerTest {

    private static final String JUDGE = "simulated-judge@rubric-v1";
    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    @Test
    void eachResponseGetsExactlyOneJudgmentAndFailedCallsAreNeverJudged() {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        String suite = "judge-labels";
        Map<String, ResponseEvent> responses = new LinkedHashMap<>();
        int i = 0;
        for (SimulatedLabel label : SimulatedLabel.values()) {
            PromptEvent prompt = SampleEvents.prompt("p-j-" + i++, suite, HarmLevel.MODERATELY_HARMFUL, Method.INDIRECT, "q" + i);
            ResponseEvent response = SampleEvents.response("model-a@1", prompt, ResponseStatus.OK, label.answer());
            responses.put(EventKeys.response("model-a@1", prompt.getPromptId()), response);
        }
        PromptEvent failed = SampleEvents.prompt("p-j-failed", suite, HarmLevel.HARMLESS, Method.DIRECT, "q-failed");
        responses.put(EventKeys.response("model-a@1", "p-j-failed"),
                SampleEvents.response("model-a@1", failed, ResponseStatus.ERROR, "HTTP 500 after 3 attempts"));
        PromptEvent blocked = SampleEvents.prompt("p-j-blocked", suite, HarmLevel.HIGHLY_HARMFUL, Method.ROLE_PLAY, "q-blocked");
        responses.put(EventKeys.response("model-a@1", "p-j-blocked"), SampleEvents.response("model-a@1", blocked,
                ResponseStatus.BLOCKED, "gemini: finishReason SAFETY (HARM_CATEGORY_DANGEROUS_CONTENT)"));
        topics.produce(Topics.RESPONSES, responses);

        List<ConsumerRecord<String, JudgmentEvent>> records = topics.read(Topics.JUDGMENTS, JudgmentEvent.class,
                j -> j.getMetadata().getSuite().equals(suite), 5, Duration.ofSeconds(30));
        assertEquals(5, records.size());
        Map<String, JudgmentEvent> byPrompt = records.stream()
                .peek(r -> assertEquals(EventKeys.judgment(JUDGE, "model-a@1", r.value().getPromptId()), r.key()))
                .map(ConsumerRecord::value)
                .collect(Collectors.toMap(JudgmentEvent::getPromptId, Function.identity()));
        assertEquals(Label.ACCEPT, byPrompt.get("p-j-0").getLabel());
        assertEquals(Label.CAUTION, byPrompt.get("p-j-1").getLabel());
        assertEquals(Label.REFUSE, byPrompt.get("p-j-2").getLabel());
        JudgmentEvent notJudged = byPrompt.get("p-j-failed");
        assertEquals(JudgmentOutcome.RESPONSE_ERROR, notJudged.getOutcome());
        assertNull(notJudged.getLabel(), "an error response is never folded into a label");
        // The provider's block is the model's refusal: REFUSE with the provider's reason, and no judge call.
        JudgmentEvent blockedJudgment = byPrompt.get("p-j-blocked");
        assertEquals(JudgmentOutcome.BLOCKED, blockedJudgment.getOutcome());
        assertEquals(Label.REFUSE, blockedJudgment.getLabel());
        assertEquals("gemini: finishReason SAFETY (HARM_CATEGORY_DANGEROUS_CONTENT)", blockedJudgment.getReason());
        assertEquals(0, blockedJudgment.getAttempts(), "no judge call");
        assertNull(blockedJudgment.getRawAnswer());
        JudgmentEvent labelled = byPrompt.get("p-j-0");
        assertTrue(labelled.getJudge().getRubricVersion().startsWith("sha256:"));
        assertTrue(labelled.getJudge().getSimulated());
        assertEquals("Safety_Judgment: Accept", labelled.getRawAnswer());
        // Each judge call is timed: operators (and the end-to-end benchmark) see the endpoint's latency from here.
        String exported = io.restassured.RestAssured.get(ManagementInterface.url("/q/metrics")).then().statusCode(200)
                .extract().asString();
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile(
                "cares_judge_latency_seconds_count\\{judge=\"" + java.util.regex.Pattern.quote(JUDGE)
                        + "\",status=\"ok\"} ([0-9.]+)").matcher(exported);
        assertTrue(calls.find(), exported);
        assertTrue(Double.parseDouble(calls.group(1)) >= 3, "the three labelled responses were judged by calls");
    }

    /**
     * While the broker holds back its acknowledgements, judge calls stop at four times the concurrency (16)
     * billed but not on the log, as the invoker's do: a kill then re-bills at most that many. Every response is
     * judged once.
     */
    @Test
    void whileTheBrokerHoldsBackItsAcknowledgementsAtMostFourTimesTheConcurrencyIsBilledAndNotOnTheLog() throws Exception {
        SimulatedModelServer server = SimulatedModelResource.server();
        server.setProfile(Profile.defaults());
        String suite = "judge-throttled";
        long before = server.billedCalls();
        try (var judgments = topics.tally(Topics.JUDGMENTS, JudgmentEvent.class,
                j -> j.getMetadata().getSuite().equals(suite));
             ProducerThrottle throttle = ProducerThrottle.on(TestInfrastructure.shared(), "kafka-producer-judgments")) {
            Map<String, ResponseEvent> responses = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                PromptEvent prompt = SampleEvents.prompt("p-j-throttled-" + i, suite, HarmLevel.HARMLESS, Method.DIRECT,
                        "throttled question " + i);
                responses.put(EventKeys.response("model-a@1", prompt.getPromptId()), SampleEvents.response("model-a@1",
                        prompt, ResponseStatus.OK, SimulatedLabel.REFUSE.answer()));
            }
            topics.produce(Topics.RESPONSES, responses);
            ProducerThrottle.assertUnloggedAtMost(64, 200, () -> server.billedCalls() - before, judgments::seen);
        }
        assertEquals(200, server.billedCalls() - before, "each response judged with one call");
    }


    @Test
    void anAnswerWithoutALabelIsRetriedThenCountedAsUnjudgeable() {
        SimulatedModelResource.server().setProfile(new Profile(List.of(), null, "I would rather not say.", 0, null, null));
        try {
            PromptEvent prompt = SampleEvents.prompt("p-unparseable", "judge-garbage", HarmLevel.HARMLESS, Method.DIRECT, "q");
            ResponseEvent response = SampleEvents.response("model-a@1", prompt, ResponseStatus.OK, "a real-looking answer");
            topics.produce(Topics.RESPONSES, Map.of(EventKeys.response("model-a@1", "p-unparseable"), response));

            List<ConsumerRecord<String, JudgmentEvent>> records = topics.read(Topics.JUDGMENTS, JudgmentEvent.class,
                    j -> j.getMetadata().getSuite().equals("judge-garbage"), 1, Duration.ofSeconds(30));
            assertEquals(1, records.size());
            JudgmentEvent judgment = records.get(0).value();
            assertEquals(JudgmentOutcome.UNJUDGEABLE, judgment.getOutcome());
            assertNull(judgment.getLabel());
            assertEquals(3, judgment.getAttempts());
            assertEquals("I would rather not say.", judgment.getRawAnswer());
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
    }

    @Test
    void aRefusedJudgeKeyHoldsJudgingInsteadOfMarkingResponsesUnjudgeable() throws Exception {
        SimulatedModelResource.server().setProfile(new Profile(List.of(), null, null, 0,
                Profile.Faults.keyRevoked(), null));
        String suite = "judge-held";
        PromptEvent prompt = SampleEvents.prompt("p-held-1", suite, HarmLevel.HARMLESS, Method.DIRECT, "held");
        try {
            topics.produce(Topics.RESPONSES, Map.of(EventKeys.response("model-a@1", prompt.getPromptId()),
                    SampleEvents.response("model-a@1", prompt, ResponseStatus.OK, SimulatedLabel.ACCEPT.answer())));
            assertTrue(topics.read(Topics.JUDGMENTS, JudgmentEvent.class, j -> j.getMetadata().getSuite().equals(suite),
                    1, Duration.ofSeconds(3)).isEmpty(), "no judgment while the key is refused");
            io.restassured.RestAssured.get(ManagementInterface.url("/q/health/ready")).then().statusCode(503)
                    .body(org.hamcrest.Matchers.containsString("401"));
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
        List<ConsumerRecord<String, JudgmentEvent>> judged = topics.read(Topics.JUDGMENTS, JudgmentEvent.class,
                j -> j.getMetadata().getSuite().equals(suite), 1, Duration.ofSeconds(20));
        assertEquals(1, judged.size());
        assertEquals(JudgmentOutcome.LABELLED, judged.get(0).value().getOutcome(), "judged once the key works again");
        io.restassured.RestAssured.get(ManagementInterface.url("/q/health/ready")).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("judged responses and rubric binding"));
    }
}
