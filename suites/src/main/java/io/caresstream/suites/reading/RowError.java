package io.caresstream.suites.reading;

/**
 * One malformed record: where it is (file and line, or row number for Parquet and API sources; 0 for the
 * whole file) and which field is wrong.
 */
public record RowError(String file, long line, String field, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field == null ? "" : "field '" + field + "': ") + message;
    }
}
