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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A provider faster than the responses' linger: the model's calls wait for the log, not for the linger. One call
 * thread may have four calls unacknowledged (events.work.UnloggedCalls); the fifth call used to wait out the whole
 * linger for the first four's acknowledgements, and the ninth again.
 */
@QuarkusTest
@TestProfile(FastProviderTest.LongLinger.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(SimulatedModelResource.class)
class FastProviderTest {

    /**
     * Its own Quarkus start: one call thread, and results that would wait 8 s to share a request (the done records
     * too, which take the channel's linger: the answered set's first writes at start wait it out, so no longer).
     */
    public static class LongLinger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smallrye.messaging.worker.model-calls.max-concurrency", "1",
                    "mp.messaging.outgoing.responses.linger.ms", "8000");
        }
    }

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    @Test
    void callsBeyondTheUnacknowledgedLimitWaitForTheLogNotTheLinger() {
        SimulatedModelResource.server().setProfile(Profile.defaults());
        Map<String, PromptEvent> prompts = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            PromptEvent prompt = SampleEvents.prompt("p-fast-" + i, "invoker-fast", HarmLevel.HARMLESS,
                    Method.DIRECT, "a quick question " + i);
            prompts.put(prompt.getPromptId(), prompt);
        }
        topics.produce(Topics.PROMPTS, prompts);

        // The first eight go out as the fifth and the ninth call find no room. Without that they would take four
        // lingers (the answered set's start, then one per four calls): 32 s.
        List<?> responses = topics.read(Topics.RESPONSES, ResponseEvent.class,
                r -> r.getMetadata().getSuite().equals("invoker-fast"), 8, Duration.ofSeconds(24));
        assertEquals(8, responses.size(), "the first eight responses on the log within three lingers");
    }
}
