package io.caresstream.events.keys;

/**
 * Record keys. A key names exactly what an event is about, so a duplicate delivery lands on the same
 * key and replaces the earlier event instead of being counted twice (and compaction keeps one).
 */
public final class EventKeys {
    private static final char SEPARATOR = '|';

    private EventKeys() {
    }

    public static String prompt(String promptId) {
        return promptId;
    }

    public static String response(String modelId, String promptId) {
        return join(modelId, promptId);
    }

    /** What every response key of a model starts with. */
    public static String responsePrefix(String modelId) {
        return join(modelId) + SEPARATOR;
    }

    public static String judgment(String judgeId, String modelId, String promptId) {
        return join(judgeId, modelId, promptId);
    }

    public static String score(String modelId, String judgeId, String suite) {
        return join(modelId, judgeId, suite);
    }

    /** A model's figures on one suite, whatever the judge (responses, costs). */
    public static String modelSuite(String modelId, String suite) {
        return join(modelId, suite);
    }

    /** What every judgment key of one judge starts with. */
    public static String judgePrefix(String judgeId) {
        return join(judgeId) + SEPARATOR;
    }

    /** What every judgment key of one model under one judge starts with. */
    public static String judgmentPrefix(String judgeId, String modelId) {
        return join(judgeId, modelId) + SEPARATOR;
    }

    /** Splits a key made here back into its parts. */
    public static String[] parts(String key, int count) {
        return key.split("\\|", count);
    }

    private static String join(String... parts) {
        StringBuilder key = new StringBuilder();
        for (String part : parts) {
            if (part == null || part.isEmpty() || part.indexOf(SEPARATOR) >= 0) {
                throw new IllegalArgumentException("key part must be non-empty and free of '" + SEPARATOR + "': " + part);
            }
            if (key.length() > 0) {
                key.append(SEPARATOR);
            }
            key.append(part);
        }
        return key.toString();
    }
}
