package io.caresstream.modelinvoker.messaging;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseStatus;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Before the invoker starts, this model has already answered one prompt: its response is on the responses topic
 * and the prompt id on the model's answered topic, as after a crash between publishing the answer and committing
 * the prompt's offset.
 */
public class PreAnsweredResource implements QuarkusTestResourceLifecycleManager {

    static final String MODEL = "simulated-model@1";
    private static final PromptEvent PROMPT = prompt();

    /** The prompt that was answered before the start. */
    public static PromptEvent prompt() {
        return SampleEvents.prompt("p-answered-before-start", "invoker-pre-answered", HarmLevel.HARMLESS, Method.DIRECT,
                "answered before this instance started");
    }

    @Override
    public Map<String, String> start() {
        AvroTopics.of(TestInfrastructure.shared()).produce(Topics.RESPONSES, Map.of(
                EventKeys.response(MODEL, PROMPT.getPromptId()),
                SampleEvents.response(MODEL, PROMPT, ResponseStatus.OK, "an earlier answer")));
        TestInfrastructure.shared().ensureTopics(java.util.List.of(Topics.answered(MODEL)));
        AvroTopics.of(TestInfrastructure.shared()).produceRaw(Topics.answered(MODEL), PROMPT.getPromptId(), new byte[0]);
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
