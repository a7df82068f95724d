package io.caresstream.events.text;

import java.io.BufferedInputStream;
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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
            long number = 0;
            boolean more = true;
            while (more) {
                buffer.reset();
                int b;
                long length = 0;
                while ((b = in.read()) != -1 && b != '\n') {
                    if (length++ < MAX_LINE_BYTES) {
                        buffer.write(b);
                    }
                }
                more = b != -1;
                if (!more && length == 0) {
                    break;
                }
                number++;
                if (length > MAX_LINE_BYTES) {
                    visitor.tooLong(number, length);
                    continue;
                }
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(buffer.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    visitor.notUtf8(number);
                    continue;
                }
                if (more) {
                    visitor.line(number, text);
                } else {
                    visitor.last(number, text);
                }
            }
        }
    }

    /** The message for a line over the limit. */
    public static String tooLongMessage(long bytes) {
        return "the line is " + bytes + " bytes long, more than the " + (MAX_LINE_BYTES >> 20) + " MiB a row may have; skipped";
    }
}
