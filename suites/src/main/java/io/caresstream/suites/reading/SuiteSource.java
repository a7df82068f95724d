package io.caresstream.suites.reading;

import io.caresstream.events.text.ClientText;

/**
 * Identifies what is imported: the data set, its revision and split, and the suite name prompts are
 * published under (by default dataset/split@revision).
 */
public record SuiteSource(String dataset, String revision, String split, String suite) {

    /**
     * What a suite name may hold: letters, digits and {@code . _ @ / + : = -}, up to 200 characters, starting
     * with a letter or digit, with no {@code ..}: names appear in URLs, file names of exports and logs.
     */
    static final java.util.regex.Pattern SUITE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@/+:=-]{0,199}");

    public SuiteSource {
        require(dataset, "dataset");
        require(revision, "revision");
        require(split, "split");
        if (suite == null || suite.isBlank()) {
            suite = dataset + "/" + split + "@" + (revision.length() > 7 ? revision.substring(0, 7) : revision);
        }
        if (!SUITE_NAME.matcher(suite).matches() || suite.contains("..")) {
            throw new IllegalArgumentException("suite name '" + ClientText.excerpt(suite) + "' is not allowed: use letters,"
                    + " digits and . _ @ / + : = - (at most 200, no '..')");
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
    }
}
