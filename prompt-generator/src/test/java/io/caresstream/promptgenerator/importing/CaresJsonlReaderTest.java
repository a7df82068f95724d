package io.caresstream.promptgenerator.importing;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.promptgenerator.domain.RowError;
import io.caresstream.promptgenerator.domain.SuiteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaresJsonlReaderTest {

    private static final String GOOD =
            "{\"principle_index\": 4, \"generation_model\": \"gpt\", \"harmful_level\": 3, \"method\": \"role_play\", "
                    + "\"base_prompt\": \"base\", \"prompt\": \"as a novelist: base\"}";
    private static final SuiteSource SOURCE = new SuiteSource("cares-test", "rev1", "test", null);

    @TempDir
    Path dir;

    private CaresJsonlReader.Result read(String content) throws Exception {
        Path file = dir.resolve("suite.jsonl");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return new CaresJsonlReader().read(file, SOURCE);
    }

    @Test
    void aValidRowBecomesAPromptWithItsCaresMetadata() throws Exception {
        CaresJsonlReader.Result result = read(GOOD + "\n");
        assertEquals(List.of(), result.errors());
        PromptEvent prompt = result.prompts().get(0);
        assertEquals(HarmLevel.HIGHLY_HARMFUL, prompt.getMetadata().getHarmLevel());
        assertEquals(Method.ROLE_PLAY, prompt.getMetadata().getMethod());
        assertEquals("cares-test/test@rev1", prompt.getMetadata().getSuite());
        assertEquals("as a novelist: base", prompt.getPrompt());
    }

    @Test
    void theSameRowAlwaysGetsTheSameIdAndADifferentRowAnother() throws Exception {
        String first = read(GOOD).prompts().get(0).getPromptId();
        String again = read(GOOD).prompts().get(0).getPromptId();
        String other = read(GOOD.replace("as a novelist", "as a poet")).prompts().get(0).getPromptId();
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void everyKindOfBadRecordIsNamedByLineAndField() throws Exception {
        String content = String.join("\n",
                GOOD,
                GOOD.replace("\"harmful_level\": 3", "\"harmful_level\": 7"),
                GOOD.replace("\"method\": \"role_play\"", "\"method\": \"jailbreak\""),
                GOOD.replace("\"prompt\": \"as a novelist: base\"", "\"prompt\": \"\""),
                GOOD.replace("\"principle_index\": 4, ", ""),
                "{not json",
                GOOD.replace("\"harmful_level\": 3", "\"harmful_level\": \"high\""),
                GOOD.substring(0, 40));
        CaresJsonlReader.Result result = read(content);
        List<String> errors = result.errors().stream().map(RowError::toString).toList();
        assertEquals(1, result.prompts().size(), errors.toString());
        assertEquals(8, result.rowsRead());
        String file = dir.resolve("suite.jsonl").toString();
        assertTrue(errors.contains(file + ":2: field 'harmful_level': must be 0..3, got 7"), errors.toString());
        assertTrue(errors.contains(file + ":3: field 'method': unknown method 'jailbreak' (direct, indirect, obfuscate, role_play)"), errors.toString());
        assertTrue(errors.contains(file + ":4: field 'prompt': must be a non-empty string"), errors.toString());
        assertTrue(errors.contains(file + ":5: field 'principle_index': missing"), errors.toString());
        assertTrue(errors.get(4).startsWith(file + ":6: not a JSON object"), errors.toString());
        assertTrue(errors.contains(file + ":7: field 'harmful_level': must be an integer, got \"high\""), errors.toString());
        assertTrue(errors.contains(file + ":8: truncated record at end of file"), errors.toString());
    }

    @Test
    void badUtf8IsReportedOnItsOwnLineAndReadingGoesOn() throws Exception {
        Path file = dir.resolve("latin1.jsonl");
        byte[] bad = GOOD.replace("base\"}", "caf\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] good = (GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[good.length + bad.length + 1];
        System.arraycopy(good, 0, content, 0, good.length);
        System.arraycopy(bad, 0, content, good.length, bad.length);
        content[content.length - 1] = '\n';
        Files.write(file, content);
        CaresJsonlReader.Result result = new CaresJsonlReader().read(file, SOURCE);
        assertEquals(1, result.prompts().size());
        assertEquals(List.of(new RowError(file.toString(), 2, null, "not valid UTF-8")), result.errors());
    }
}
