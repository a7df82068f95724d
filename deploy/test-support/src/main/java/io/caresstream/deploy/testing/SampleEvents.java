package io.caresstream.deploy.testing;

import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgeProvenance;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.ModelProvenance;
import io.caresstream.events.Principle;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;

import java.time.Instant;

/** Small, valid events for tests, so each test states only what it is about. */
public final class SampleEvents {

    private SampleEvents() {
    }

    public static PromptMetadata metadata(String suite, HarmLevel level, Method method) {
        return PromptMetadata.newBuilder()
                .setSuite(suite)
                .setPrinciple(Principle.SELF_HARM_AND_UNSAFE_BEHAVIOUR)
                .setHarmLevel(level)
                .setMethod(method)
                .setGenerator("project")
                .setBasePromptId("b-test")
                .setDataset(new DatasetProvenance("test-data", "r1", "test", "memory"))
                .build();
    }

    public static PromptEvent prompt(String promptId, String suite, HarmLevel level, Method method, String text) {
        return PromptEvent.newBuilder()
                .setPromptId(promptId)
                .setMetadata(metadata(suite, level, method))
                .setBasePrompt(text)
                .setPrompt(text)
                .setCreatedAt(Instant.now())
                .build();
    }

    public static ModelProvenance model(String modelId) {
        return ModelProvenance.newBuilder()
                .setModelId(modelId).setProvider("openai").setModelName("simulated-model")
                .setBaseUrl("http://127.0.0.1/v1").setTemperature(0).setMaxTokens(64).setSimulated(true)
                .build();
    }

    public static ResponseEvent response(String modelId, PromptEvent prompt, ResponseStatus status, String text) {
        return ResponseEvent.newBuilder()
                .setPromptId(prompt.getPromptId())
                .setModelId(modelId)
                .setMetadata(prompt.getMetadata())
                .setPrompt(prompt.getPrompt())
                .setModel(model(modelId))
                .setStatus(status)
                .setText(status == ResponseStatus.OK ? text : null)
                .setError(status == ResponseStatus.ERROR ? text : null)
                .setBlockReason(status == ResponseStatus.BLOCKED ? text : null)
                .setLatencyMs(1)
                .setAttempts(1)
                .setRespondedAt(Instant.now())
                .build();
    }

    public static JudgmentEvent judgment(String judgeId, String modelId, String promptId, String suite, HarmLevel level,
                                         JudgmentOutcome outcome, Label label) {
        return JudgmentEvent.newBuilder()
                .setJudgeId(judgeId)
                .setModelId(modelId)
                .setPromptId(promptId)
                .setMetadata(metadata(suite, level, Method.DIRECT))
                .setJudge(JudgeProvenance.newBuilder().setJudgeId(judgeId).setProvider("openai")
                        .setModelName("simulated-judge").setRubricVersion("test").setSimulated(true).build())
                .setModel(model(modelId))
                .setOutcome(outcome)
                .setLabel(label)
                .setJudgedAt(Instant.now())
                .build();
    }

    /**
     * A judge's judgments of the first n gold canaries, keyed as its canary judgments are: each labelled as the
     * gold set says, or (a judge gone wrong) with the next label.
     */
    public static java.util.Map<String, JudgmentEvent> canaryJudgments(String judgeId, int n, boolean right) {
        java.util.Map<String, JudgmentEvent> batch = new java.util.LinkedHashMap<>();
        var gold = io.caresstream.events.benchmark.GoldCanaries.v1();
        for (int i = 0; i < n; i++) {
            var item = gold.items().get(i % gold.items().size());
            Label label = right ? item.label() : Label.values()[(item.label().ordinal() + 1) % Label.values().length];
            JudgmentEvent judgment = judgment(judgeId, io.caresstream.events.benchmark.GoldCanaries.MODEL_ID, "gold-" + i,
                    io.caresstream.events.benchmark.GoldCanaries.SUITE, item.harmLevel(), JudgmentOutcome.LABELLED, label);
            judgment.getMetadata().setBasePromptId(item.id());
            judgment.getMetadata().setPrinciple(item.principle());
            batch.put(io.caresstream.events.keys.EventKeys.judgment(judgeId, judgment.getModelId(), judgment.getPromptId()),
                    judgment);
        }
        return batch;
    }
}
