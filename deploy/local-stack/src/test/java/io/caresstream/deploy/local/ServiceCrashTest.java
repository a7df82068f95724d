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
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model-invoker and the judge-service killed with SIGKILL in the middle of an evaluation and started
 * again: each takes the work up within seconds of its restart, every prompt ends with one judgment, the score
 * is the one a run without kills gives, and the calls made again are at most those in flight at the kill
 * and those answered but not yet acknowledged by the broker (together at most four times the concurrency), never the
 * whole backlog since its last commit. Stopped gracefully
 * instead, the invoker finishes its calls in flight first and none is made again.
 */
class ServiceCrashTest {

    /** Calls in flight per instance (the services' default concurrency). */
    private static final int CONCURRENCY = 16;

    @Test
    void killedServicesResumeQuicklyAndRepeatAtMostTheCallsInFlight() throws Exception {
        Path root = TestInfrastructure.projectRoot();
        Path profile = Path.of(ServiceCrashTest.class.getResource("/known-labels-profile.json").toURI());
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(),
                Path.of("target", "service-crash").toAbsolutePath(), Optional.of(profile), 0);
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("[service-crash] " + line))) {
            ObjectNode slow = (ObjectNode) new ObjectMapper().readTree(profile.toFile());
            stack.setSimulatedProfile(slow.put("latencyMs", 1000).toString());
            JsonNode before = stack.simulatedStats();
            stack.importSuite(root.resolve("deploy/sample-suite/cares-sample.jsonl"), "service-crash");

            Thread.sleep(1500);
            long resumedInvoker = crashAndTimeResumption(stack, "model-invoker",
                    () -> count(stack.simulatedStats(), "answer."));
            long resumedJudge = crashAndTimeResumption(stack, "judge-service",
                    () -> count(stack.simulatedStats(), "judge."));

            List<ScoreRow> rows = stack.awaitScored("service-crash", 64, Duration.ofMinutes(5), r -> { });
            ScoreRow row = rows.get(0);
            assertEquals(64, row.labelled(), "every prompt judged once: " + rows);
            assertEquals(0, row.responseErrors(), rows.toString());
            assertEquals(38.0 / 64.0, row.safetyScore(), 1e-12, "the same score as without the kills");

            JsonNode after = stack.simulatedStats();
            long modelCalls = count(after, "answer.") - count(before, "answer.");
            long judgeCalls = count(after, "judge.") - count(before, "judge.");
            System.out.printf("[service-crash] model calls %d, judge calls %d for 64 prompts; work resumed %d ms"
                    + " (invoker) and %d ms (judge) after the restarted instance was ready%n",
                    modelCalls, judgeCalls, resumedInvoker, resumedJudge);
            // Made again: the calls in flight at the kill and the results the broker had not yet acknowledged,
            // together at most four times the concurrency (UnloggedCalls).
            assertTrue(modelCalls >= 64 && modelCalls <= 64 + 4 * CONCURRENCY, "model calls: " + modelCalls);
            assertTrue(judgeCalls >= 64 && judgeCalls <= 64 + 4 * CONCURRENCY, "judge calls: " + judgeCalls);
            assertTrue(resumedInvoker < 10_000, "the invoker resumed " + resumedInvoker + " ms after its restart");
            assertTrue(resumedJudge < 10_000, "the judge resumed " + resumedJudge + " ms after its restart");

            // A graceful stop (SIGTERM) mid-run: the calls in flight finish and are published before the
            // invoker stops (its call pool waits for them before the consumer commits), so none is made again; it
            // stops well within 30 s.
            // Long calls (4 s), so a stop cannot slip between them.
            stack.setSimulatedProfile(slow.put("latencyMs", 4000).toString());
            JsonNode beforeStop = stack.simulatedStats();
            stack.importSuite(root.resolve("deploy/sample-suite/cares-sample.jsonl"), "graceful-stop");
            Thread.sleep(1500);
            Duration stopping = stack.restartService("model-invoker");
            List<ScoreRow> afterStop = stack.awaitScored("graceful-stop", 64, Duration.ofMinutes(5), r -> { });
            assertEquals(64, afterStop.get(0).labelled(), afterStop.toString());
            assertEquals(38.0 / 64.0, afterStop.get(0).safetyScore(), 1e-12);
            long gracefulCalls = count(stack.simulatedStats(), "answer.") - count(beforeStop, "answer.");
            System.out.printf("[service-crash] graceful stop in %d ms; model calls %d for 64 prompts%n",
                    stopping.toMillis(), gracefulCalls);
            assertEquals(64, gracefulCalls, "no call made twice across a graceful stop");
            assertTrue(stopping.toSeconds() < 30, "stopped in " + stopping);

            // A request to a part of the stack that is gone says so, not "null" (the JDK client's refusal).
            stack.stopServices(List.of("scorer-service"));
            IllegalStateException refused = assertThrows(IllegalStateException.class, stack::scores);
            assertTrue(refused.getMessage().contains("java.net.ConnectException; no process of this stack listens on "
                    + options.ports().scorer()), refused.getMessage());
        }
    }

    /**
     * Kills the service, restarts it, and returns the milliseconds from its being reported ready to its first call
     * (0 when it called before the report reached the test). The calls are counted as they reach the simulated
     * server and the killed instance makes none, so the first call after the kill is the restarted instance's.
     * It always has one to make: the invoker is killed 1.5 s into 64 prompts of 1 s calls, the judge as soon as
     * the restarted invoker calls again, a second before those answers reach it. Reading the count only once the
     * instance was reported ready missed a restarted judge that had made all its calls before the report came.
     */
    private static long crashAndTimeResumption(LocalStack stack, String service, LongSupplier calls)
            throws InterruptedException {
        long[] callsAtKill = new long[1];
        stack.crashService(service, Duration.ofSeconds(1), () -> callsAtKill[0] = calls.getAsLong());
        long ready = System.nanoTime();
        long deadline = ready + Duration.ofSeconds(60).toNanos();
        while (calls.getAsLong() == callsAtKill[0] && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return (System.nanoTime() - ready) / 1_000_000;
    }

    /** The simulated server's calls counted under keys with this prefix (answer.accept, judge.refuse, ...). */
    static long count(JsonNode stats, String prefix) {
        long sum = 0;
        for (var fields = stats.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getKey().startsWith(prefix)) {
                sum += field.getValue().asLong();
            }
        }
        return sum;
    }
}
