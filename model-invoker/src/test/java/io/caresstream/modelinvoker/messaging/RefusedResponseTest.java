package io.caresstream.modelinvoker.messaging;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.SimulatedModelResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.topics.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response the log refuses is not lost: its prompt goes to the dead-letter topic, saying why, and the model goes
 * on with the next prompt. Responses go straight to the channel's producer (events.topics.ChannelSender), so the
 * producer's own refusal, in its callback, is what this drives.
 */
@QuarkusTest
@TestProfile(RefusedResponseTest.SmallRequests.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(SimulatedModelResource.class)
class RefusedResponseTest {

    /** Its own Quarkus start: a producer that refuses a response over 8 KB (a response carries its prompt). */
    public static class SmallRequests implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.responses.max.request.size", "8192");
        }
    }

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    @Test
    void aResponseTheProducerRefusesSendsItsPromptToTheDeadLetterTopicAndTheModelGoesOn() {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        PromptEvent large = SampleEvents.prompt("p-refused-large", "invoker-refused", HarmLevel.HARMLESS,
                Method.DIRECT, "a long question ".repeat(1_000));
        topics.produce(Topics.PROMPTS, Map.of(large.getPromptId(), large));

        var dead = topics.readRaw(Topics.PROMPTS_DLQ, large.getPromptId(), Duration.ofSeconds(30))
                .orElseThrow(() -> new AssertionError("the prompt whose response was refused must reach "
                        + Topics.PROMPTS_DLQ));
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("RecordTooLarge") || reason.contains("too large")
                        || reason.contains("max.request.size"), "the dead letter says why: " + reason);

        PromptEvent small = SampleEvents.prompt("p-refused-after", "invoker-refused", HarmLevel.HARMLESS,
                Method.DIRECT, "a short question");
        topics.produce(Topics.PROMPTS, Map.of(small.getPromptId(), small));
        List<ConsumerRecord<String, ResponseEvent>> responses = topics.read(Topics.RESPONSES, ResponseEvent.class,
                r -> r.getMetadata().getSuite().equals("invoker-refused"), 1, Duration.ofSeconds(30));
        assertEquals(small.getPromptId(), responses.get(0).value().getPromptId());
        assertTrue(topics.read(Topics.RESPONSES, ResponseEvent.class,
                        r -> r.getPromptId().equals(large.getPromptId()), 1, Duration.ofSeconds(2)).isEmpty(),
                "the refused response is not on the log");
    }
}
