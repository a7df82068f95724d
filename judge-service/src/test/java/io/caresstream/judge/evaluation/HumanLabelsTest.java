package io.caresstream.judge.evaluation;

import io.caresstream.events.Label;
import io.caresstream.events.text.ErrorList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HumanLabelsTest {

    @TempDir
    Path dir;

    @Test
    void aHugeLineAndBadBytesAreNamedAndTheOtherLabelsRead() throws Exception {
        Path file = dir.resolve("upload.tmp");
        try (var out = Files.newOutputStream(file)) {
            out.write("{\"prompt_id\": \"p1\", \"model_id\": \"m@1\", \"label\": \"Refuse\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write("x".repeat((1 << 20) + 5).getBytes(StandardCharsets.UTF_8));
            out.write(new byte[]{'\n', (byte) 0xC3, (byte) 0x28, '\n'});
            out.write("{\"prompt_id\": \"p2\", \"model_id\": \"m@1\", \"label\": \"Accept\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        HumanLabels.Result result = HumanLabels.read(file, "labels.jsonl");
        assertEquals(Map.of("m@1|p1", Label.REFUSE, "m@1|p2", Label.ACCEPT), result.labels());
        assertEquals(List.of("labels.jsonl:2: the line is 1048581 bytes long, more than the 1 MiB a row may have; skipped",
                "labels.jsonl:3: not valid UTF-8"), result.errors());
        assertEquals(4, result.rowsRead());
    }

    @Test
    void aBinaryFileListsTheFirstThousandErrorsAndCountsAll() throws Exception {
        Path file = dir.resolve("upload.tmp");
        byte[] bytes = new byte[400_000];
        new java.util.Random(3).nextBytes(bytes);
        Files.write(file, bytes);
        HumanLabels.Result result = HumanLabels.read(file, "labels.jsonl");
        assertTrue(result.labels().isEmpty());
        assertEquals(ErrorList.MAX_LISTED, result.errors().size());
        assertTrue(result.errorCount() >= result.rowsRead(), "every line of it is an error, some more than one");
    }
}
