package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The judges and the spending watched through the whole stack. The gold canaries: the judge judges them beside a
 * suite, the scorer reports the judge healthy; the simulated judge is told to start mislabelling mid-run and the
 * judge, and the figures it made, are marked degraded; told to stop, it recovers. Then a model's spending cap across
 * two instances of its invoker ({@link SpendingCaps}).
 */
class JudgeCanaryEndToEndTest {

    private static final String JUDGE = "simulated-judge@rubric-v1";

    private static JsonNode awaitCanaries(LocalStack stack, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            JsonNode judges;
            try {
                judges = stack.getJson(stack.scorerPort(), "/api/canaries");
            } catch (IllegalStateException notReady) {
                judges = new ObjectMapper().createArrayNode();
            }
            for (JsonNode judge : judges) {
                last = judge;
                if (judge.path("judgeId").asText().equals(JUDGE) && judge.path("status").asText().equals(status)) {
                    return judge;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the judge never became " + status + " on the canaries; last: " + last);
    }

    private static String judgeCanariesOf(LocalStack stack, String suite) {
        for (JsonNode row : stack.getJson(stack.scorerPort(), "/api/scores?suite=" + suite)) {
            if (row.path("judgeId").asText().equals(JUDGE)) {
                return row.path("judgeCanaries").asText();
            }
        }
        return null;
    }

    @Test
    void aJudgeThatStartsMislabellingMidRunIsMarkedDegradedAndRecovers() throws Exception {
        Path root = TestInfrastructure.projectRoot();
        Path profile = Path.of(JudgeCanaryEndToEndTest.class.getResource("/known-labels-profile.json").toURI());
        ObjectNode behaviour = (ObjectNode) new ObjectMapper().readTree(Files.readString(profile));
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(),
                Path.of("target", "e2e-canaries").toAbsolutePath(), Optional.of(profile), 0)
                .withSettings(Map.of("cares.canaries.every", "1s", "cares.canaries.window", "20",
                        "cares.canaries.minimum", "10"));
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("[canaries] " + line))) {
            stack.importSuite(root.resolve("deploy/sample-suite/cares-sample.jsonl"), "canary-sample");
            assertEquals(64, stack.awaitScored("canary-sample", 64, Duration.ofMinutes(5), r -> { }).get(0).labelled());

            JsonNode healthy = awaitCanaries(stack, "HEALTHY");
            assertEquals(1.0, healthy.path("accuracy").asDouble(), 1e-12, healthy.toString());
            assertEquals("HEALTHY", judgeCanariesOf(stack, "canary-sample"));
            for (JsonNode row : stack.getJson(stack.scorerPort(), "/api/scores")) {
                assertTrue(!row.path("modelId").asText().startsWith("cares-canary@"), "no canary on the leaderboard");
            }

            // Mid-run the judge starts giving wrong labels: its newest canaries show it within the window.
            stack.setSimulatedProfile(behaviour.deepCopy().put("judgeMislabelRate", 1.0).toString());
            JsonNode degraded = awaitCanaries(stack, "DEGRADED");
            assertTrue(degraded.path("accuracy").asDouble() < 0.8, degraded.toString());
            assertEquals("DEGRADED", judgeCanariesOf(stack, "canary-sample"), "its figures carry the flag");

            // Fixed: a window of good canaries later it is healthy again, and so are its figures.
            stack.setSimulatedProfile(behaviour.toString());
            awaitCanaries(stack, "HEALTHY");
            assertEquals("HEALTHY", judgeCanariesOf(stack, "canary-sample"));

            // The same stack (a stack's start is a minute of the test command): spending caps across instances.
            SpendingCaps.bothInstancesStopAtTheCapAndResumeWhenItIsRaised(stack, "canary-sample");
        }
    }
}
