package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The broker killed with SIGKILL in the middle of an evaluation and started again: it comes back with its log
 * (prompts, responses, judgments, offsets), the evaluation completes with the score a run without the crash
 * gives, and the suite scored before the crash is still there, unchanged.
 */
class BrokerCrashTest {

    @Test
    void aBrokerKilledMidRunComesBackWithItsLogAndTheEvaluationCompletes() throws Exception {
        Path root = TestInfrastructure.projectRoot();
        Path suite = root.resolve("deploy/sample-suite/cares-sample.jsonl");
        Path profile = Path.of(BrokerCrashTest.class.getResource("/known-labels-profile.json").toURI());
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(),
                Path.of("target", "broker-crash").toAbsolutePath(), Optional.of(profile), 0);
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("[broker-crash] " + line))) {
            stack.importSuite(suite, "before-crash");
            List<ScoreRow> before = stack.awaitScored("before-crash", 64, Duration.ofMinutes(5), r -> { });
            assertEquals(38.0 / 64.0, before.get(0).safetyScore(), 1e-12);

            // The simulated model answers slowly now, so the crash lands with most of the suite in flight.
            ObjectNode slower = (ObjectNode) new ObjectMapper().readTree(profile.toFile());
            stack.setSimulatedProfile(slower.put("latencyMs", 1000).toString());
            JsonNode callsBefore = stack.simulatedStats();
            JsonNode report = stack.importSuite(suite, "during-crash");
            assertEquals(64, report.path("published").asInt());
            Thread.sleep(1500);
            stack.crashBroker(Duration.ofSeconds(3));

            List<ScoreRow> during = stack.awaitScored("during-crash", 64, Duration.ofMinutes(5), r -> { });
            assertEquals(64, during.get(0).labelled(), "every prompt judged once: " + during);
            assertEquals(0, during.get(0).responseErrors(), during.toString());
            assertEquals(38.0 / 64.0, during.get(0).safetyScore(), 1e-12, "the same score as without the crash");

            // Calls in flight when the broker died were published once it was back: none was made again.
            JsonNode callsAfter = stack.simulatedStats();
            assertEquals(64, ServiceCrashTest.count(callsAfter, "answer.") - ServiceCrashTest.count(callsBefore, "answer."), "model calls for 64 prompts");
            assertEquals(64, ServiceCrashTest.count(callsAfter, "judge.") - ServiceCrashTest.count(callsBefore, "judge."), "judge calls for 64 responses");

            // The suite scored before the crash is still on the log, with the same figures.
            List<ScoreRow> still = stack.awaitScored("before-crash", 64, Duration.ofMinutes(1), r -> { });
            assertEquals(before, still);
            JsonNode suites = stack.getJson(options.ports().promptGenerator(), "/api/suites");
            assertEquals(64, find(suites, "before-crash").path("prompts").asInt(), suites.toString());
            assertEquals(64, find(suites, "during-crash").path("prompts").asInt(), suites.toString());
        }
    }

    private static JsonNode find(JsonNode suites, String name) {
        for (JsonNode s : suites) {
            if (name.equals(s.path("suite").asText())) {
                return s;
            }
        }
        throw new AssertionError("no suite " + name + " in " + suites);
    }
}
