package io.caresstream.events.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientTextTest {

    @Test
    void excerptsAreShortAndEscaped() {
        assertEquals("a\\u0000b\\u001b[31m", ClientText.excerpt("a\u0000b\u001b[31m"), "control characters escaped");
        assertEquals("", ClientText.excerpt(null));
        assertEquals("x".repeat(40) + "... (41 characters)", ClientText.excerpt("x".repeat(41)));
    }

    @Test
    void uploadedFileNamesLoseFoldersAndControlCharacters() {
        assertEquals("passwd", ClientText.fileName("../../etc/passwd", "upload.jsonl"));
        assertEquals("labels.csv", ClientText.fileName("C:\\Users\\me\\labels.csv", "upload.jsonl"));
        assertEquals("ab.jsonl", ClientText.fileName("a\nb.jsonl", "upload.jsonl"));
        assertEquals("upload.jsonl", ClientText.fileName("..", "upload.jsonl"));
        assertEquals("upload.jsonl", ClientText.fileName(null, "upload.jsonl"));
        assertEquals(100, ClientText.fileName("y".repeat(300) + ".jsonl", "upload.jsonl").length());
    }
}
