package io.caresstream.providers;

/**
 * Model and judge ids name a version, as {@code name@version} (gpt-4o-mini@2024-07-18, gpt-4o-mini@rubric-v2):
 * a new version is a new id, scored beside the old, and the id names the consumer group that replays the log.
 * An id without one would silently pool two versions' answers into one score.
 */
public final class ModelIds {

    private static final String VERSIONED = "[^@|\\s]+@[^@|\\s]+";

    private ModelIds() {
    }

    /** The id, when it names a version; otherwise an error naming the setting. */
    public static String requireVersion(String setting, String id) {
        if (id == null || !id.matches(VERSIONED)) {
            throw new IllegalArgumentException(setting + " '" + (id == null ? "" : id) + "' must name a version, as "
                    + "name@version (e.g. gpt-4o-mini@2024-07-18): a new version is a new model, scored beside the old");
        }
        return id;
    }
}
