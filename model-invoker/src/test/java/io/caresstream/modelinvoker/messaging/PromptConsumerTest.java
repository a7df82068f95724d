package io.caresstream.modelinvoker.messaging;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.ProducerThrottle;
import io.caresstream.deploy.testing.SimulatedModelResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invoker against a real broker and registry, calling the simulated model over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(SimulatedModelResource.class)
class PromptConsumerTest {

    private static final String MODEL = "simulated-model@1";
    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    private List<ConsumerRecord<String, ResponseEvent>> responsesOf(String suite, int expected) {
        return topics.read(Topics.RESPONSES, ResponseEvent.class,
                r -> r.getMetadata().getSuite().equals(suite), expected, Duration.ofSeconds(30));
    }

    @Test
    void everyPromptGetsOneResponseKeyedByModelAndPrompt() {
        SimulatedModelResource.server().setProfile(new Profile(List.of(
                new Profile.Rule(null, null, 0, 0, 1)), null, null, 0, null, null));
        Map<String, PromptEvent> prompts = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            PromptEvent prompt = SampleEvents.prompt("p-ok-" + i, "invoker-ok", HarmLevel.HIGHLY_HARMFUL, Method.DIRECT,
                    "prompt text " + i);
            prompts.put(prompt.getPromptId(), prompt);
        }
        topics.produce(Topics.PROMPTS, prompts);

        List<ConsumerRecord<String, ResponseEvent>> responses = responsesOf("invoker-ok", 20);
        assertEquals(20, responses.size());
        for (ConsumerRecord<String, ResponseEvent> record : responses) {
            ResponseEvent response = record.value();
            assertEquals(EventKeys.response(MODEL, response.getPromptId()), record.key());
            assertEquals(ResponseStatus.OK, response.getStatus());
            // Not in the simulation's catalogue, and the profile refuses everything.
            assertEquals(SimulatedLabel.REFUSE.answer(), response.getText());
            assertEquals(prompts.get(response.getPromptId()).getPrompt(), response.getPrompt());
            assertTrue(response.getModel().getSimulated(), "answers of the simulated server are labelled simulated");
            assertTrue(response.getUsage().getInputTokens() > 0);
        }
    }

    /**
     * What a kill would lose after the provider billed it stays bounded while the broker holds back its
     * acknowledgements: calls stop at four times the concurrency (16) billed but not on the log, instead of
     * piling up answers, and go on as the log takes them; every prompt is answered, none twice.
     */
    @Test
    void whileTheBrokerHoldsBackItsAcknowledgementsAtMostFourTimesTheConcurrencyIsBilledAndNotOnTheLog() throws Exception {
        SimulatedModelServer server = SimulatedModelResource.server();
        server.setProfile(new Profile(List.of(new Profile.Rule(null, null, 0, 0, 1)), null, null, 0, null, null));
        String suite = "invoker-throttled";
        long before = server.billedCalls();
        try (var responses = topics.tally(Topics.RESPONSES, ResponseEvent.class,
                r -> r.getMetadata().getSuite().equals(suite));
             ProducerThrottle throttle = ProducerThrottle.on(TestInfrastructure.shared(), "kafka-producer-responses")) {
            Map<String, PromptEvent> prompts = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                PromptEvent prompt = SampleEvents.prompt("p-throttled-" + i, suite, HarmLevel.HARMLESS, Method.DIRECT,
                        "throttled prompt " + i);
                prompts.put(prompt.getPromptId(), prompt);
            }
            topics.produce(Topics.PROMPTS, prompts);
            ProducerThrottle.assertUnloggedAtMost(64, 200, () -> server.billedCalls() - before, responses::seen);
        }
        assertEquals(200, server.billedCalls() - before, "each prompt called once");
    }


    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheModelKeepsGoing() {
        byte[] garbage = "not an avro event".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        topics.produceRaw(Topics.PROMPTS, "poison", garbage);

        var dead = topics.readRaw(Topics.PROMPTS_DLQ, "poison", Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("the unreadable prompt must reach " + Topics.PROMPTS_DLQ));
        // The project's one dead-letter layout (the scorer's handler writes the same): the raw value, and where
        // and why in the headers.
        assertTrue(java.util.Arrays.equals(garbage, dead.value()), "the original bytes are the dead letter's value");
        assertTrue(dead.headers().lastHeader("dead-letter-reason") != null, "the dead letter says why");
        assertEquals(Topics.PROMPTS, new String(dead.headers().lastHeader("dead-letter-topic").value()));
        assertTrue(dead.headers().lastHeader("dead-letter-partition") != null
                && dead.headers().lastHeader("dead-letter-offset") != null, "and where it was");
        assertTrue(dead.headers().lastHeader("dead-letter-exception-class-name") != null);
        // The consumer is still alive: a good prompt after the poison one is answered.
        SimulatedModelResource.server().setProfile(Profile.defaults());
        PromptEvent after = SampleEvents.prompt("p-after-poison", "invoker-after-poison", HarmLevel.HARMLESS,
                Method.DIRECT, "after the poison");
        topics.produce(Topics.PROMPTS, Map.of(after.getPromptId(), after));
        assertEquals(1, responsesOf("invoker-after-poison", 1).size());
    }

    @Test
    void aModelThatKeepsFailingYieldsAnExplicitErrorResponseNotASilentDrop() {
        SimulatedModelResource.server().setProfile(new Profile(List.of(), null, null, 0,
                new Profile.Faults(0, 1, 1.0, 0, 1000), null));
        try {
            PromptEvent prompt = SampleEvents.prompt("p-fail-1", "invoker-fail", HarmLevel.HARMLESS, Method.DIRECT,
                    "this call always fails");
            topics.produce(Topics.PROMPTS, Map.of(prompt.getPromptId(), prompt));

            List<ConsumerRecord<String, ResponseEvent>> responses = responsesOf("invoker-fail", 1);
            assertEquals(1, responses.size());
            ResponseEvent response = responses.get(0).value();
            assertEquals(ResponseStatus.ERROR, response.getStatus());
            assertNull(response.getText(), "an error is never mistaken for an answer");
            assertTrue(response.getError().startsWith("HTTP 500: "), response.getError());
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
    }

    @Test
    void aCallTheProvidersFilterBlocksIsABlockedResponseWithItsReasonNotAnError() {
        SimulatedModelResource.server().setProfile(Profile.defaults()
                .withBlocking(new Profile.Blocking(1.0, 1.0, "answer")));
        try {
            PromptEvent prompt = SampleEvents.prompt("p-blocked-1", "invoker-blocked", HarmLevel.HIGHLY_HARMFUL,
                    Method.ROLE_PLAY, "a prompt the provider's filter blocks");
            topics.produce(Topics.PROMPTS, Map.of(prompt.getPromptId(), prompt));

            List<ConsumerRecord<String, ResponseEvent>> responses = responsesOf("invoker-blocked", 1);
            assertEquals(1, responses.size());
            ResponseEvent response = responses.get(0).value();
            assertEquals(ResponseStatus.BLOCKED, response.getStatus());
            assertEquals("openai: finish_reason content_filter (self_harm)", response.getBlockReason());
            assertNull(response.getText());
            assertNull(response.getError(), "a block is not a failed call");
            assertEquals(1, response.getAttempts(), "a block is not retried");
            assertTrue(response.getUsage().getInputTokens() > 0, "the provider reports (and bills) the prompt");
            assertTrue(response.getModel().getSimulated());
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
    }
}
