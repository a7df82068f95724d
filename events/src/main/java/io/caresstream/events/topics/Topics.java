package io.caresstream.events.topics;

/** Topic names of the event bus. One place, so every service and the deploy scripts agree. */
public final class Topics {
    public static final String PROMPTS = "cares.prompts";
    public static final String RESPONSES = "cares.responses";
    public static final String JUDGMENTS = "cares.judgments";
    public static final String SCORES = "cares.scores";

    /** Dead letters of each consumer: records it could not read or process, kept for inspection. */
    public static final String PROMPTS_DLQ = "cares.prompts.dlq.model-invoker";
    public static final String RESPONSES_DLQ = "cares.responses.dlq.judge-service";
    public static final String JUDGMENTS_DLQ = "cares.judgments.dlq.scorer-service";

    /** The dead-letter topic of one consumer of a topic, named like the ones above. */
    public static String deadLetters(String topic, String consumer) {
        return topic + ".dlq." + consumer;
    }

    private Topics() {
    }
}
