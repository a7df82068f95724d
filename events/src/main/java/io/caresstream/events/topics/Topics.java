package io.caresstream.events.topics;

import io.caresstream.events.keys.ContentHash;

/** Topic names of the event bus. One place, so every service and the deploy scripts agree. */
public final class Topics {
    public static final String PROMPTS = "cares.prompts";
    public static final String RESPONSES = "cares.responses";
    public static final String JUDGMENTS = "cares.judgments";
    public static final String SCORES = "cares.scores";
    /** Labels people gave responses in the review queue, keyed by model and prompt (compacted: the latest wins). */
    public static final String HUMAN_LABELS = "cares.human-labels";

    /** Dead letters of each consumer: records it could not read or process, kept for inspection. */
    public static final String PROMPTS_DLQ = "cares.prompts.dlq.model-invoker";
    public static final String RESPONSES_DLQ = "cares.responses.dlq.judge-service";
    public static final String JUDGMENTS_DLQ = "cares.judgments.dlq.scorer-service";

    /**
     * One model's answered prompts: a small record per prompt it has answered, keyed by prompt id, so the model's
     * invokers learn what is done from their own work alone, not from every model's responses.
     */
    public static String answered(String modelId) {
        return "cares.answered." + topicSafe(modelId);
    }

    /** One judge's judged responses, keyed by model and prompt; as {@link #answered}. */
    public static String judged(String judgeId) {
        return "cares.judged." + topicSafe(judgeId);
    }

    /**
     * A model or judge id as part of a topic name, which allows only letters, digits, '.', '_' and '-': any other
     * character becomes '_', and a hash of the whole id is added so "gpt@1" and "gpt_1" stay apart.
     */
    static String topicSafe(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.equals(id) && safe.length() <= 180) {
            return safe;
        }
        return safe.substring(0, Math.min(safe.length(), 180)) + "-" + ContentHash.sha256Hex(id).substring(0, 8);
    }

    /** The dead-letter topic of one consumer of a topic, named like the ones above. */
    public static String deadLetters(String topic, String consumer) {
        return topic + ".dlq." + consumer;
    }

    private Topics() {
    }
}
