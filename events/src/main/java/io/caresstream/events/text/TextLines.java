package io.caresstream.events.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a line-based file a client sent (JSON Lines) line by line, as it streams past: a line longer than any
 * record could be ({@link #MAX_LINE_BYTES}) is skipped without being held in memory, and a line that is not valid
 * UTF-8 is reported on its exact line rather than read as replacement characters.
 */
public final class TextLines {

    /** The longest line kept: a record is a few kilobytes at most; one line of gigabytes is not a record. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /** What a line turned out to be. */
    public interface Visitor {
        void line(long number, String text) throws IOException;

        void tooLong(long number, long bytes);

        void notUtf8(long number);

        /** The last line, cut short: the file ends without a newline after it. */
        default void last(long number, String text) throws IOException {
            line(number, text);
        }
    }

    private TextLines() {
    }

    public static void read(Path file, Visitor visitor) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            read(in, visitor);
        }
    }

    /**
     * Reads lines as they arrive (a request's body while it is still being sent, say); does not close the stream.
     */
    public static void read(InputStream in, Visitor visitor) throws IOException {
        // Read in blocks and scanned for newlines here: a byte at a time through BufferedInputStream and
        // ByteArrayOutputStream took a lock per byte, 0.3 s for the 3.4 MB of a 10,000-row suite.
        byte[] block = new byte[64 * 1024];
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        long number = 0;
        long length = 0;
        int read;
        while ((read = in.read(block)) != -1) {
            int from = 0;
            for (int i = 0; i < read; i++) {
                if (block[i] == '\n') {
                    length += keep(line, length, block, from, i - from);
                    number++;
                    emit(visitor, number, line, length, true);
                    line.reset();
                    length = 0;
                    from = i + 1;
                }
            }
            length += keep(line, length, block, from, read - from);
        }
        if (length > 0) {
            emit(visitor, number + 1, line, length, false);
        }
    }

    /** Keeps what fits of a line's next bytes; returns how many there were. */
    private static int keep(ByteArrayOutputStream line, long length, byte[] bytes, int from, int count) {
        long room = Math.max(0, MAX_LINE_BYTES - length);
        line.write(bytes, from, (int) Math.min(count, room));
        return count;
    }

    private static void emit(Visitor visitor, long number, ByteArrayOutputStream line, long length, boolean more)
            throws IOException {
        if (length > MAX_LINE_BYTES) {
            visitor.tooLong(number, length);
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            visitor.notUtf8(number);
            return;
        }
        if (more) {
            visitor.line(number, text);
        } else {
            visitor.last(number, text);
        }
    }

    /** The message for a line over the limit. */
    public static String tooLongMessage(long bytes) {
        return "the line is " + bytes + " bytes long, more than the " + (MAX_LINE_BYTES >> 20) + " MiB a row may have; skipped";
    }
}
