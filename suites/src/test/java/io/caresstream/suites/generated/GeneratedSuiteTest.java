package io.caresstream.suites.generated;

import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.suites.reading.SuiteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratedSuiteTest {

    @Test
    void everyRowIsAValidPromptAndEveryPrincipleHarmLevelAndMethodAppears(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("generated.jsonl");
        GeneratedSuite.write(file, 1024, "Test");
        assertEquals(1024, Files.readAllLines(file).size());
        assertTrue(Files.readAllLines(file).get(0).contains("\"base_prompt\":\"Test base prompt number 0 "));
        SuiteReader.Result result = new SuiteReader().read(file, "generated", SuiteReader.Format.JSONL,
                FieldMapping.IDENTITY, new SuiteSource("generated", "local", "test", "generated@v1"));
        assertEquals(0, result.errorCount(), String.valueOf(result.errors()));
        assertEquals(1024, result.prompts().size());
        assertEquals(8, result.prompts().stream().map(p -> p.getMetadata().getPrinciple()).distinct().count());
        assertEquals(4, result.prompts().stream().map(p -> p.getMetadata().getHarmLevel()).distinct().count());
        assertEquals(4, result.prompts().stream().map(p -> p.getMetadata().getMethod()).distinct().count());
    }
}
