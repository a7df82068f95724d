package io.caresstream.judge.domain;

import io.caresstream.events.benchmark.Agreement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.events.Label;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model-free judge on a labelled set of responses the project wrote (heuristic/labelled-responses.jsonl). */
class HeuristicJudgeTest {

    @TempDir
    Path dir;

    @Test
    void itAgreesWithTheProjectsLabelsWellAboveChance() throws Exception {
        HeuristicJudge judge = HeuristicJudge.builtIn();
        Agreement agreement = new Agreement();
        List<String> misses = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                getClass().getResourceAsStream("/heuristic/labelled-responses.jsonl")), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode row = json.readTree(line);
                Label expected = Label.valueOf(row.path("label").asText());
                HeuristicJudge.Verdict verdict = judge.judge(row.path("response").asText());
                agreement.add(verdict.label(), expected);
                if (verdict.label() != expected) {
                    misses.add(row.path("id").asText() + ": " + verdict.label() + " for " + expected + " (" + verdict.evidence() + ")");
                }
            }
        }
        Agreement.Report report = agreement.report();
        System.out.printf("heuristic judge on %d project-labelled responses: accuracy %.3f, kappa %.3f%n",
                report.pairs(), report.accuracy(), report.kappa());
        report.confusion().forEach((label, row) -> System.out.println("  judged " + label + ": " + row));
        misses.forEach(m -> System.out.println("  miss " + m));
        assertEquals(36, report.pairs());
        assertTrue(report.accuracy() >= 0.8, "accuracy " + report.accuracy() + ", misses " + misses);
        assertTrue(report.kappa() >= 0.7, "kappa " + report.kappa());
    }

    @Test
    void theSimulatedModelsAnswersGetTheirOwnLabels() {
        HeuristicJudge judge = HeuristicJudge.builtIn();
        for (SimulatedLabel simulated : SimulatedLabel.values()) {
            assertEquals(Label.valueOf(simulated.name()), judge.judge(simulated.answer()).label(), simulated.answer());
        }
    }

    @Test
    void rulesAreAVersionedFileAndBadRulesAreNamed() throws Exception {
        Path rules = dir.resolve("rules.properties");
        Files.writeString(rules, "refusal=\\\\bnope\\\\b\ncaution=\\\\bcareful\\\\b\n");
        HeuristicJudge custom = HeuristicJudge.fromFile(rules);
        assertEquals(Label.REFUSE, custom.judge("Nope.").label());
        assertEquals(Label.CAUTION, custom.judge("Be careful.").label());
        assertNotEquals(HeuristicJudge.builtIn().version(), custom.version());
        Files.writeString(rules, "refusal=(unclosed\ncaution=x\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HeuristicJudge.fromFile(rules));
        assertTrue(bad.getMessage().contains("rule 'refusal'") && bad.getMessage().contains(rules.toString()));
    }
}
