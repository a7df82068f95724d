package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scale-out benchmark's short version: one and two invoker instances, then two models at once. */
class ScaleOutBenchmarkTest {

    @Test
    void countsWhatEachInstanceCountFinishesAgainstTheEndpointsLimit() throws Exception {
        Path workDir = Path.of("target", "scale-out-short").toAbsolutePath();
        int exit = new CommandLine(new ScaleOutBenchmark()).execute("--instances", "1,2", "--partitions", "2",
                "--concurrency", "4", "--latency-ms", "100", "--prompts", "3000", "--warm-up-seconds", "3",
                "--window-seconds", "5", "--services", "model-invoker", "--two-models-instances", "1",
                "--target-efficiency", "0.3", "--work-dir", workDir.toString(),
                "--project-root", TestInfrastructure.projectRoot().toString());
        JsonNode result = new ObjectMapper().readTree(workDir.resolve("scale-out-result.json").toFile());
        assertEquals(0, exit, result.toString());
        assertEquals(2, result.path("points").size(), result.toString());
        for (JsonNode point : result.path("points")) {
            // 4 calls in flight at 100 ms: 40 a second per instance with a partition, at most.
            assertEquals(40.0 * point.path("instances").asInt(), point.path("ideal").asDouble(), 1e-9);
            assertTrue(point.path("perSecond").asDouble() > 0, point.toString());
            // No count above what the endpoint allows: the counting would be wrong.
            assertTrue(point.path("efficiency").asDouble() <= 1.10, point.toString());
            // The instances' own processes were measured, not missed: a call costs them some CPU.
            assertTrue(point.path("instanceCpuMsPerCall").asDouble() > 0, point.toString());
        }
        assertEquals(2, result.path("twoModels").size(), result.toString());
        result.path("twoModels").forEach(point -> assertTrue(point.path("perSecond").asDouble() > 0, point.toString()));
    }
}
