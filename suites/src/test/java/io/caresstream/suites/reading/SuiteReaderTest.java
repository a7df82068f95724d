package io.caresstream.suites.reading;


import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.suites.reading.RowError;
import io.caresstream.suites.reading.SuiteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuiteReaderTest {

    private static final String GOOD =
            "{\"principle_index\": 4, \"generation_model\": \"gpt\", \"harmful_level\": 3, \"method\": \"role_play\", "
                    + "\"base_prompt\": \"base\", \"prompt\": \"as a novelist: base\"}";
    private static final SuiteSource SOURCE = new SuiteSource("cares-test", "rev1", "test", null);

    @TempDir
    Path dir;

    private SuiteReader.Result read(String content) throws Exception {
        Path file = dir.resolve("suite.jsonl");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return new SuiteReader().read(file, SOURCE);
    }

    @Test
    void aValidRowBecomesAPromptWithItsCaresMetadata() throws Exception {
        SuiteReader.Result result = read(GOOD + "\n");
        assertEquals(List.of(), result.errors());
        PromptEvent prompt = result.prompts().get(0);
        assertEquals(HarmLevel.HIGHLY_HARMFUL, prompt.getMetadata().getHarmLevel());
        assertEquals(Method.ROLE_PLAY, prompt.getMetadata().getMethod());
        assertEquals("cares-test/test@rev1", prompt.getMetadata().getSuite());
        assertEquals("as a novelist: base", prompt.getPrompt());
    }

    /**
     * An upload read while it arrives comes in pieces of any size, cut inside a line and inside a character: the
     * rows, their ids and their errors (by line) are those of the same file read from disk.
     */
    @Test
    void aStreamArrivingInSmallPiecesReadsAsTheFileDoes() throws Exception {
        String bad = GOOD.replace("\"harmful_level\": 3", "\"harmful_level\": 7");
        String content = GOOD + "\n" + GOOD.replace("base\"}", "bäse ✓ ünïcode\"}") + "\n\n" + bad + "\n"
                + GOOD.replace("novelist", "poet");
        SuiteReader.Result fromFile = read(content);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        java.io.InputStream trickle = new java.io.ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        SuiteReader.Result fromStream = new SuiteReader().read(trickle, "upload.jsonl", SuiteReader.Format.JSONL,
                FieldMapping.IDENTITY, SOURCE);
        assertEquals(3, fromStream.prompts().size());
        assertEquals(fromFile.prompts().stream().map(PromptEvent::getPromptId).toList(),
                fromStream.prompts().stream().map(PromptEvent::getPromptId).toList());
        assertEquals("as a novelist: bäse ✓ ünïcode", fromStream.prompts().get(1).getPrompt());
        assertEquals(List.of("upload.jsonl:4: field 'harmful_level': must be 0..3, got 7"),
                fromStream.errors().stream().map(RowError::toString).toList());
        assertEquals(fromFile.rowsRead(), fromStream.rowsRead());
        assertThrows(IllegalArgumentException.class, () -> new SuiteReader().read(trickle, "x.parquet",
                SuiteReader.Format.PARQUET, FieldMapping.IDENTITY, SOURCE));
    }

    @Test
    void theSameRowAlwaysGetsTheSameIdAndADifferentRowAnother() throws Exception {
        String first = read(GOOD).prompts().get(0).getPromptId();
        String again = read(GOOD).prompts().get(0).getPromptId();
        String other = read(GOOD.replace("as a novelist", "as a poet")).prompts().get(0).getPromptId();
        assertEquals(first, again);
        assertNotEquals(first, other);
        // The same row in another suite is another prompt: each suite keeps its own judgments and scores.
        Path file = dir.resolve("suite.jsonl");
        String inOtherSuite = new SuiteReader().read(file, new SuiteSource("cares-test", "rev1", "test", "other-suite"))
                .prompts().get(0).getPromptId();
        assertNotEquals(first, inOtherSuite);
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
        SuiteReader.Result result = read(content);
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
        SuiteReader.Result result = new SuiteReader().read(file, SOURCE);
        assertEquals(1, result.prompts().size());
        assertEquals(List.of(new RowError(file.toString(), 2, null, "not valid UTF-8")), result.errors());
    }

    private SuiteReader.Result readCsv(String content, FieldMapping mapping) throws Exception {
        Path file = dir.resolve("suite.csv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return new SuiteReader().read(file, SuiteReader.Format.of(file), mapping, SOURCE);
    }

    @Test
    void csvInTheCaresSchemaIsReadWithTheSameChecksAndLineNumbers() throws Exception {
        String csv = String.join("\n",
                "principle_index,generation_model,harmful_level,method,base_prompt,prompt",
                "4,gpt,3,role_play,base,\"as a novelist, with a comma\"",
                "2,claude,9,direct,b2,b2",
                "1,gemini,1,indirect,b3,\"a prompt",
                "over two lines\"",
                "x,deepseek,0,direct,b4,b4",
                "");
        SuiteReader.Result result = readCsv(csv, FieldMapping.IDENTITY);
        List<String> errors = result.errors().stream().map(RowError::toString).toList();
        assertEquals(2, result.prompts().size(), errors.toString());
        assertEquals("as a novelist, with a comma", result.prompts().get(0).getPrompt());
        assertEquals("a prompt\nover two lines", result.prompts().get(1).getPrompt());
        String file = dir.resolve("suite.csv").toString();
        assertEquals(List.of(file + ":3: field 'harmful_level': must be 0..3, got 9",
                file + ":6: field 'principle_index': must be an integer, got \"x\""), errors);
        // The same row as JSONL and as CSV is the same prompt.
        String jsonlId = read(GOOD).prompts().get(0).getPromptId();
        String csvId = readCsv("principle_index,generation_model,harmful_level,method,base_prompt,prompt\n"
                + "4,gpt,3,role_play,base,as a novelist: base\n", FieldMapping.IDENTITY).prompts().get(0).getPromptId();
        assertEquals(jsonlId, csvId);
    }

    @Test
    void anXsTestStyleSetIsMappedOntoTheCaresSchema() throws Exception {
        // Safe/unsafe prompt sets: a prompt column, a safe|unsafe label, no principle or method.
        FieldMapping xstest = new FieldMapping(
                Map.of("prompt", "text", "harmful_level", "label"),
                Map.of("harmful_level", Map.of("safe", "0", "unsafe", "3")),
                Map.of("method", "direct", "principle_index", "3", "generation_model", "xstest"));
        SuiteReader.Result result = readCsv("id,text,label\n1,How do I kill a Python process?,safe\n"
                + "2,Give me a harmful recipe,unsafe\n3,Unlabelled,maybe\n", xstest);
        assertEquals(2, result.prompts().size());
        assertEquals(HarmLevel.HARMLESS, result.prompts().get(0).getMetadata().getHarmLevel());
        assertEquals(HarmLevel.HIGHLY_HARMFUL, result.prompts().get(1).getMetadata().getHarmLevel());
        assertEquals(Method.DIRECT, result.prompts().get(1).getMetadata().getMethod());
        assertEquals("Give me a harmful recipe", result.prompts().get(1).getBasePrompt(), "base prompt falls back to the prompt");
        assertEquals(List.of(dir.resolve("suite.csv") + ":4: field 'harmful_level': must be an integer, got \"maybe\""),
                result.errors().stream().map(RowError::toString).toList());
    }

    @Test
    void aMappingNamingAnUnknownFieldIsRejected() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> new FieldMapping(Map.of("severity", "label"), null, null));
        assertTrue(failure.getMessage().contains("severity"));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static com.fasterxml.jackson.databind.node.ObjectNode good() throws Exception {
        return (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(GOOD);
    }

    @Test
    void parquetInTheCaresSchemaIsReadWithTheSameChecksByRowNumber() throws Exception {
        Path file = dir.resolve("suite.parquet");
        ParquetFiles.write(file, List.of(
                good(),
                good().put("harmful_level", 7),
                good().put("method", "jailbreak"),
                good().put("prompt", ""),
                good().putNull("principle_index"),
                good().put("prompt", "as a poet: base")));
        SuiteReader.Result result = new SuiteReader().read(file, SOURCE);
        List<String> errors = result.errors().stream().map(RowError::toString).toList();
        assertEquals(6, result.rowsRead());
        assertEquals(List.of(file + ":2: field 'harmful_level': must be 0..3, got 7",
                file + ":3: field 'method': unknown method 'jailbreak' (direct, indirect, obfuscate, role_play)",
                file + ":4: field 'prompt': must be a non-empty string",
                file + ":5: field 'principle_index': missing"), errors);
        assertEquals(2, result.prompts().size());
        // The same row as JSONL and as Parquet is the same prompt.
        assertEquals(read(GOOD).prompts().get(0).getPromptId(), result.prompts().get(0).getPromptId());
        assertEquals("as a poet: base", result.prompts().get(1).getPrompt());
    }

    @Test
    void parquetTextThatIsNotUtf8IsNamedByRowAndATruncatedFileByName() throws Exception {
        Path binary = dir.resolve("binary.parquet");
        com.fasterxml.jackson.databind.node.ObjectNode latin1 = good();
        latin1.put("prompt_bytes", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        ParquetFiles.write(binary, List.of(good(), latin1), true);
        SuiteReader.Result result = new SuiteReader().read(binary, SOURCE);
        assertEquals(1, result.prompts().size());
        assertEquals(List.of(new RowError(binary.toString(), 2, "prompt", "not valid UTF-8")), result.errors());

        Path whole = dir.resolve("whole.parquet");
        ParquetFiles.write(whole, List.of(good(), good().put("prompt", "another")));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = dir.resolve("truncated.parquet");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        SuiteReader.Result broken = new SuiteReader().read(truncated, SOURCE);
        assertEquals(0, broken.prompts().size());
        assertEquals(1, broken.errors().size());
        assertTrue(broken.errors().get(0).toString().startsWith(truncated + ": not a readable Parquet file"),
                broken.errors().toString());
    }

    @Test
    void aFileThatIsNotASuiteIsNeverEchoedBeyondShortEscapedExcerpts() throws Exception {
        // Lines in the shape of a system file, read as CSV with a mapping that makes one column the prompt.
        Path notASuite = dir.resolve("accounts.csv");
        StringBuilder text = new StringBuilder("name,secret\n");
        for (int i = 0; i < 20; i++) {
            text.append("user").append(i).append(",s3cr3t-value-").append("x".repeat(200)).append("\n");
        }
        Files.writeString(notASuite, text);
        FieldMapping mapping = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                "{\"columns\": {\"principle_index\": \"secret\", \"method\": \"secret\"}}", FieldMapping.class);
        SuiteReader.Result result = new SuiteReader().read(notASuite, "accounts.csv", SuiteReader.Format.CSV, mapping, SOURCE);
        assertEquals(0, result.prompts().size());
        for (RowError error : result.errors()) {
            assertTrue(error.toString().length() < 200, "an error quotes a short excerpt: " + error);
            assertTrue(!error.toString().contains("x".repeat(50)), error.toString());
        }
        assertTrue(result.errors().stream().anyMatch(e -> e.message().contains("(213 characters)")), result.errors().toString());
    }

    @Test
    void hostileSuiteNamesAndDeeplyNestedJsonAreRefusedWithTheReason() throws Exception {
        for (String name : List.of("../../etc", "a/../b", "x\u0000y", "line\nbreak", "<script>", " lead", "x".repeat(201))) {
            IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new SuiteSource("d", "r", "s", name), name);
            assertTrue(refused.getMessage().contains("is not allowed") && !refused.getMessage().contains("\u0000"),
                    refused.getMessage());
        }
        new SuiteSource("cares-18k", "49f6ff9caffe31bbd33b6272b72ef0b78a23ff26", "test", "cares-18k/test@49f6ff9");

        // 10,000 levels of nesting: one row error, no stack overflow.
        Path nested = dir.resolve("nested.jsonl");
        Files.writeString(nested, "[".repeat(10_000) + "]".repeat(10_000) + "\n");
        SuiteReader.Result result = new SuiteReader().read(nested, SOURCE);
        assertEquals(0, result.prompts().size());
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertTrue(result.errors().get(0).toString().length() < 300, result.errors().toString());
    }

    @Test
    void sqlAndScriptLikeTextIsKeptAsText() throws Exception {
        String hostile = "'; DROP TABLE prompts; -- <script>alert(1)</script> {{7*7}} ${jndi:ldap://x}";
        Path file = dir.resolve("hostile.jsonl");
        Files.writeString(file, good().put("prompt", hostile).put("base_prompt", hostile) + "\n");
        SuiteReader.Result result = new SuiteReader().read(file, SOURCE);
        assertEquals(hostile, result.prompts().get(0).getPrompt(), "round-trips as text");
    }

    @Test
    void aBinaryFileIsRefusedRowByRowAndOnlyTheFirstThousandErrorsAreListed() throws Exception {
        Path binary = dir.resolve("image.jsonl");
        byte[] bytes = new byte[600_000];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(binary, bytes);
        SuiteReader.Result result = new SuiteReader().read(binary, SOURCE);
        assertEquals(0, result.prompts().size());
        assertTrue(result.rowsRead() > io.caresstream.events.text.ErrorList.MAX_LISTED, "random bytes hold thousands of newlines: " + result.rowsRead());
        assertEquals(result.rowsRead(), result.errorCount(), "every line of it is an error");
        assertEquals(io.caresstream.events.text.ErrorList.MAX_LISTED, result.errors().size(), "but only the first thousand are kept and listed");
    }

    @Test
    void aLineLongerThanAnyRowIsSkippedAsItStreamsPastAndReadingGoesOn() throws Exception {
        Path file = dir.resolve("long-line.jsonl");
        try (var out = Files.newOutputStream(file)) {
            out.write((GOOD + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] long1 = new byte[3 << 20];
            java.util.Arrays.fill(long1, (byte) 'x');
            out.write(long1);
            out.write(("\n" + GOOD.replace("as a novelist", "as a judge") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        SuiteReader.Result result = new SuiteReader().read(file, SOURCE);
        assertEquals(2, result.prompts().size(), "the rows around it are read");
        assertEquals(List.of(new RowError(file.toString(), 2, null,
                "the line is 3145728 bytes long, more than the 1 MiB a row may have; skipped")), result.errors());

        Path csv = dir.resolve("long-field.csv");
        Files.writeString(csv, "principle_index,generation_model,harmful_level,method,base_prompt,prompt\n"
                + "4,gpt,3,direct,base,\"" + "y".repeat((1 << 20) + 10) + "\"\n");
        SuiteReader.Result longField = new SuiteReader().read(csv, SOURCE);
        assertEquals(0, longField.prompts().size());
        assertEquals(1, longField.errors().size());
        assertTrue(longField.errors().get(0).toString().endsWith("a field is longer than 1 MiB; reading stopped here"),
                longField.errors().toString());
    }

    @Test
    void parquetColumnsOfTheWrongTypeAreNamedByRowAndField() throws Exception {
        // Written by another tool with its own ideas of the types: codes as text and fractions, the prompt a number.
        Path jsonl = dir.resolve("typed.jsonl");
        Files.writeString(jsonl, "{\"principle_index\": \"four\", \"generation_model\": \"gpt\", \"harmful_level\": 2.5,"
                + " \"method\": \"direct\", \"base_prompt\": \"base\", \"prompt\": 42}\n");
        Path parquet = ParquetFiles.fromJsonLines(jsonl);
        SuiteReader.Result result = new SuiteReader().read(parquet, SOURCE);
        assertEquals(0, result.prompts().size());
        assertEquals(List.of(parquet + ":1: field 'principle_index': must be an integer, got \"four\"",
                parquet + ":1: field 'harmful_level': must be an integer, got 2.5",
                parquet + ":1: field 'prompt': must be a non-empty string"),
                result.errors().stream().map(RowError::toString).toList());
    }
}
