package io.caresstream.events.text;

/**
 * Text a client sent, made safe to show back in an answer, an error or a log: an excerpt of a value, and the
 * name of an uploaded file. Suites and human labels may be adversarial by design, and a file that is not a
 * suite must never be echoed line by line.
 */
public final class ClientText {

    /** The longest part of a value an error quotes: enough to find the row, never a file's whole lines. */
    public static final int EXCERPT = 40;

    private ClientText() {
    }

    /**
     * A value as an error may quote it: control and format characters escaped, cut to {@value #EXCERPT}
     * characters with its full length said.
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

    /**
     * An uploaded file's own name, for reports and errors: without folders or control characters, at most 100
     * characters (its end, where the extension is), or the fallback when nothing is left.
     */
    public static String fileName(String sent, String fallback) {
        String name = sent == null ? "" : sent.replaceAll(".*[/\\\\]", "").replaceAll("\\p{Cntrl}", "");
        if (name.length() > 100) {
            name = name.substring(name.length() - 100);
        }
        return name.isBlank() || name.equals(".") || name.equals("..") ? fallback : name;
    }
}
