package io.caresstream.mitigation.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.topics.Topics;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.suites.reading.SuiteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./cares-classifier --from-log SUITE} against a real broker and registry: it trains on the suite's prompts
 * as the log holds them (base prompts and their rewrites), leaves other suites alone, tests on held-out base
 * prompts, and names the suites there are when asked for one the log does not hold.
 */
class FromLogTrainingTest {

    private final TestInfrastructure kafka = TestInfrastructure.shared();

    /** Publishes a project-made set as a suite, the way the prompt-generator publishes an import and its rewrites. */
    private static int publish(AvroTopics topics, Path file, String suite) throws Exception {
        var result = new SuiteReader().read(file, new SuiteSource("project", "local", "train", suite));
        assertEquals(List.of(), result.errors());
        Map<String, PromptEvent> prompts = new LinkedHashMap<>();
        result.prompts().forEach(prompt -> prompts.put(prompt.getPromptId(), prompt));
        topics.produce(Topics.PROMPTS, prompts);
        return prompts.size();
    }

    @Test
    void trainsOnASuiteOfThePromptLogAndTestsOnHeldOutBasePrompts(@TempDir Path dir) throws Exception {
        AvroTopics topics = AvroTopics.of(kafka);
        int published = publish(topics, ProjectLabelledSet.write(dir.resolve("a.jsonl"), 200, 11,
                ProjectLabelledSet.Part.TEST), "log-suite@1");
        publish(topics, ProjectLabelledSet.write(dir.resolve("b.jsonl"), 30, 12, ProjectLabelledSet.Part.TEST),
                "another-suite@1");

        Path out = dir.resolve("classifiers");
        int exit = new CommandLine(new TrainCommand()).execute("--from-log", "log-suite@1", "--features", "ngram",
                "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", kafka.registryUrl(),
                "--out", out.toString());
        assertEquals(0, exit);
        Path model;
        try (var files = Files.list(out)) {
            model = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        JsonNode trainedOn = new ObjectMapper().readTree(model.toFile()).path("trainedOn");
        assertEquals("suite log-suite@1 on the prompt log", trainedOn.path("train").asText());
        long train = trainedOn.path("trainPrompts").asLong();
        long test = trainedOn.path("testPrompts").asLong();
        // Every prompt of the suite and none of the other's; a fifth of the base prompts, with their rewrites, tested.
        assertEquals(published, train + test);
        assertEquals(0, test % Method.values().length, "a base prompt is tested with all its rewrites");
        assertTrue(test > published / 10 && test < published * 3 / 10, test + " of " + published + " tested");
    }

    @Test
    void aSuiteTheLogDoesNotHoldIsNamedWithTheOnesItDoes(@TempDir Path dir) throws Exception {
        publish(AvroTopics.of(kafka), ProjectLabelledSet.write(dir.resolve("c.jsonl"), 5, 13,
                ProjectLabelledSet.Part.TEST), "present-suite@1");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new TrainCommand()).execute("--from-log", "missing-suite@1", "--features", "ngram",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", kafka.registryUrl(),
                    "--out", dir.toString());
        } finally {
            System.setErr(before);
        }
        assertEquals(1, exit);
        String said = errors.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("no prompts of suite 'missing-suite@1'") && said.contains("present-suite@1"), said);
    }
}
