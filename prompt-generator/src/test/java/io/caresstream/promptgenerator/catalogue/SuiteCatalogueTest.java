package io.caresstream.promptgenerator.catalogue;

import io.caresstream.events.PromptEvent;
import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.promptgenerator.domain.SuiteSummary;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.suites.reading.SuiteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuiteCatalogueTest {

    @TempDir
    Path dir;

    private List<PromptEvent> suite(String suite, String... rows) throws Exception {
        Path file = dir.resolve(suite + ".jsonl");
        Files.write(file, List.of(rows));
        return new SuiteReader().read(file, new SuiteSource("cares-test", "rev1", "test", suite)).prompts();
    }

    private static String row(int principle, int level, String method, String prompt) {
        return "{\"principle_index\": " + principle + ", \"generation_model\": \"gpt\", \"harmful_level\": " + level
                + ", \"method\": \"" + method + "\", \"base_prompt\": \"base " + prompt + "\", \"prompt\": \"" + prompt + "\"}";
    }

    @Test
    void countsEachPromptOfASuiteOnceByItsId() throws Exception {
        SuiteCatalogue catalogue = new SuiteCatalogue();
        List<PromptEvent> prompts = suite("s1", row(0, 0, "direct", "one"), row(0, 3, "role_play", "two"),
                row(5, 3, "obfuscate", "three"));
        prompts.forEach(catalogue::record);
        prompts.forEach(catalogue::record); // re-published: the same ids

        SuiteSummary summary = catalogue.summary("s1").orElseThrow();
        assertEquals(3, summary.prompts());
        assertEquals("cares-test", summary.dataset());
        assertEquals("rev1", summary.revision());
        assertEquals(Map.of("direct", 1L, "obfuscate", 1L, "role_play", 1L), summary.byMethod());
        assertEquals(Map.of(CaresCodes.principle(0).orElseThrow().name(), 2L, CaresCodes.principle(5).orElseThrow().name(), 1L),
                summary.byPrinciple());
        assertEquals(List.of(1L, 2L), List.copyOf(summary.byHarmLevel().values()), "harm levels 0 and 3, in order");
        assertEquals(List.of("s1"), catalogue.summaries().stream().map(SuiteSummary::suite).toList());
    }

    @Test
    void sizesWithCountsOnlyPromptsNewToTheirSuite() throws Exception {
        SuiteCatalogue catalogue = new SuiteCatalogue();
        suite("s1", row(0, 0, "direct", "one"), row(1, 1, "direct", "two")).forEach(catalogue::record);

        List<PromptEvent> next = new java.util.ArrayList<>(suite("s1", row(0, 0, "direct", "one"), row(2, 2, "direct", "new")));
        next.addAll(suite("s2", row(0, 0, "direct", "one")));

        assertEquals(Map.of("s1", 3L, "s2", 1L), catalogue.sizesWith(next));
        assertEquals(2, catalogue.summary("s1").orElseThrow().prompts(), "asking changes nothing");
    }
}
