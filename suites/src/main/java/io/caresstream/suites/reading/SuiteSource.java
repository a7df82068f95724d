package io.caresstream.suites.reading;

/**
 * Identifies what is imported: the data set, its revision and split, and the suite name prompts are
 * published under (by default dataset/split@revision).
 */
public record SuiteSource(String dataset, String revision, String split, String suite) {

    public SuiteSource {
        require(dataset, "dataset");
        require(revision, "revision");
        require(split, "split");
        if (suite == null || suite.isBlank()) {
            suite = dataset + "/" + split + "@" + (revision.length() > 7 ? revision.substring(0, 7) : revision);
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
    }
}
