package io.caresstream.suites.reading;

/**
 * One malformed record: where it is (file and line, or row number for Parquet and API sources; 0 for the
 * whole file) and which field is wrong.
 */
public record RowError(String file, long line, String field, String message) {

    /** The longest part of a value an error quotes: enough to find the row, never a file's whole lines. */
    static final int EXCERPT = 40;

    /**
     * A value as an error may quote it: control characters escaped, cut to {@value #EXCERPT} characters with its
     * full length said.
     */
    public static String excerpt(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(EXCERPT).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        long length = value.codePoints().count();
        return length > EXCERPT ? out + "... (" + length + " characters)" : out.toString();
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field == null ? "" : "field '" + field + "': ") + message;
    }
}
