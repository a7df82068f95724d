package io.caresstream.promptgenerator.domain;

/** One malformed record: where it is (file and line) and which field is wrong. */
public record RowError(String file, long line, String field, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + message;
    }
}
