package io.caresstream.events.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextLinesTest {

    /** What the visitor saw, one entry per line: "n:text", "n:last:text", "n:too long:bytes" or "n:not UTF-8". */
    private static List<String> lines(Path file) throws IOException {
        List<String> seen = new ArrayList<>();
        TextLines.read(file, new TextLines.Visitor() {
            @Override
            public void line(long number, String text) {
                seen.add(number + ":" + text);
            }

            @Override
            public void last(long number, String text) {
                seen.add(number + ":last:" + text);
            }

            @Override
            public void tooLong(long number, long bytes) {
                seen.add(number + ":too long:" + bytes);
            }

            @Override
            public void notUtf8(long number) {
                seen.add(number + ":not UTF-8");
            }
        });
        return seen;
    }

    @Test
    void numbersEveryLineEmptyOnesIncludedAndMarksALastLineWithoutNewline(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.jsonl"), "{\"a\":1}\n\nrow é\r\n{\"b\":2}");
        assertEquals(List.of("1:{\"a\":1}", "2:", "3:row é\r", "4:last:{\"b\":2}"), lines(file));
        Files.writeString(file, "one\ntwo\n");
        assertEquals(List.of("1:one", "2:two"), lines(file));
        Files.writeString(file, "");
        assertEquals(List.of(), lines(file));
    }

    @Test
    void aLineLongerThanTheLimitIsReportedWithItsLengthAndTheNextLinesStillRead(@TempDir Path dir) throws IOException {
        // The long line spans many of the reader's blocks, and a block boundary falls inside the next line too.
        long longLength = TextLines.MAX_LINE_BYTES + 100_000L;
        Path file = dir.resolve("long.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("first\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[10_000];
            Arrays.fill(chunk, (byte) 'x');
            for (long written = 0; written < longLength; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, longLength - written));
            }
            out.write("\n".getBytes(StandardCharsets.US_ASCII));
            byte[] exact = new byte[TextLines.MAX_LINE_BYTES];
            Arrays.fill(exact, (byte) 'y');
            out.write(exact);
            out.write("\nlast".getBytes(StandardCharsets.US_ASCII));
        }
        List<String> seen = lines(file);
        assertEquals(4, seen.size(), () -> seen.stream().map(s -> s.length() > 40 ? s.substring(0, 40) : s).toList().toString());
        assertEquals("1:first", seen.get(0));
        assertEquals("2:too long:" + longLength, seen.get(1));
        assertEquals("3:" + "y".repeat(TextLines.MAX_LINE_BYTES), seen.get(2));
        assertEquals("4:last:last", seen.get(3));
    }

    @Test
    void aLineThatIsNotUtf8IsReportedOnItsOwnLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.jsonl");
        Files.write(file, new byte[]{'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', 'n', 'e', 'x', 't', '\n'});
        assertEquals(List.of("1:ok", "2:not UTF-8", "3:next"), lines(file));
    }
}
