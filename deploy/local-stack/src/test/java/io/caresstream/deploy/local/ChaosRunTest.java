package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short chaos run: 300 prompts, two models and a judge against a flaky simulated API, on a 3-node Kafka
 * cluster; each service instance killed once, one Kafka node killed, a model-invoker scaled to 3 and back,
 * a scorer instance added and removed. Its figures must equal a clean run's (the full run is
 * deploy/benchmarks/chaos.sh).
 */
class ChaosRunTest {

    @Test
    void anEvaluationBrokenEverywhereEndsWithTheCleanRunsFigures() throws Exception {
        Path workDir = Path.of("target", "chaos-short").toAbsolutePath();
        int exit = new CommandLine(new ChaosRun()).execute("--prompts", "300", "--kills", "1", "--broker-kills", "1",
                "--latency-ms", "300", "--work-dir", workDir.toString(),
                "--project-root", TestInfrastructure.projectRoot().toString());
        JsonNode result = new ObjectMapper().readTree(workDir.resolve("chaos-result.json").toFile());
        assertEquals(0, exit, "the chaos run failed: " + result.path("failures"));
        assertTrue(result.path("identical").asBoolean(), result.toString());
        assertEquals(0, result.path("lost").asLong());
        assertEquals(0, result.path("duplicateScores").asLong());
        assertEquals(0, result.path("dlq").asLong());
        assertTrue(result.path("extraBilledCalls").asLong() <= result.path("extraBilledBound").asLong(), result.toString());
        result.path("stopSecondsAfterSigterm").forEach(seconds -> assertTrue(seconds.asDouble() < 30, result.toString()));
        assertEquals(5, result.path("stopSecondsAfterSigterm").size(), "every service stopped with SIGTERM");
        JsonNode faults = result.path("faultsInjected");
        for (String kill : new String[]{"kill prompt-generator", "kill model-invoker", "kill model-invoker-b",
                "kill judge-service", "kill scorer-service", "kill scorer-service-extra", "kill kafka node"}) {
            assertEquals(1, faults.path(kill).asInt(), kill + ": " + faults);
        }
        assertTrue(faults.path("api 429").asLong() > 0 && faults.path("api timeout").asLong() > 0
                && faults.path("api malformed").asLong() > 0 && faults.path("api failing-prompt").asLong() > 0, faults.toString());
        // The failing prompts end as explicit ERROR responses, the same in both runs (checked by "identical").
        result.path("explicitOutcomes").forEach(model -> assertTrue(model.path("responseErrors").asLong() > 0, result.toString()));
    }
}
