package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short end-to-end benchmark: a running stack (100 prompts through it first, by a model and a judge that then
 * leave), 600 prompts through a fresh model and judge at 0 ms, then 600 more as a second suite through the same
 * ones, every figure measured and written. Its targets here are loose (the machine also runs the rest of the build); the full run and its
 * real targets are deploy/benchmarks/e2e-benchmark.sh.
 */
class E2eBenchmarkTest {

    @Test
    void measuresTheWholePipelineAndWritesItsFigures() throws Exception {
        Path workDir = Path.of("target", "e2e-short").toAbsolutePath();
        int exit = new CommandLine(new E2eBenchmark()).execute("--prompts", "600", "--latency-ms", "0",
                "--target-cpu-ms", "1000", "--target-rate", "1", "--target-dashboard-p99-ms", "120000",
                "--target-first-figure-s", "120", "--runs", "2", "--target-stack-mb", "100000", "--warm-stack", "100",
                "--work-dir", workDir.toString(),
                "--project-root", TestInfrastructure.projectRoot().toString());
        JsonNode result = new ObjectMapper().readTree(workDir.resolve("e2e-result.json").toFile());
        assertEquals(0, exit, result.toString());
        assertEquals(600, result.path("evaluations").asLong());
        assertEquals(100, result.path("stackWarmedByPrompts").asInt(), result.toString());
        for (String figure : new String[]{"seconds", "perSecond", "firstPromptSeconds", "firstModelCallSeconds",
                "firstResponseSeconds", "firstJudgeCallSeconds", "firstJudgmentSeconds", "firstFigureSeconds",
                "dashboardDelayP99Ms",
                "projectCpuMsPerEvaluation", "endpointAnswerMeanMs", "modelCallMeanMs", "judgeCallMeanMs"}) {
            assertTrue(result.path(figure).isNumber() && result.path(figure).asDouble() >= 0, figure + ": " + result);
        }
        // The pipeline's order: published, called, answered, judged, shown.
        assertTrue(result.path("firstPromptSeconds").asDouble() <= result.path("firstResponseSeconds").asDouble()
                && result.path("firstResponseSeconds").asDouble() <= result.path("firstJudgmentSeconds").asDouble()
                && result.path("firstJudgmentSeconds").asDouble() <= result.path("firstFigureSeconds").asDouble(),
                result.toString());
        for (String process : new String[]{"kafka", "scorer-service", "prompt-generator"}) {
            assertTrue(result.path("cpuSecondsPer1000").has(process), result.toString());
            assertTrue(result.path("peakResidentMb").path(process).asLong() > 0, result.toString());
            // Some of each process's CPU by kind of thread, never more than the whole (ThreadCpuTest: the sums).
            double jitAndGc = result.path("jitCpuSecondsPer1000").path(process).asDouble(-1)
                    + result.path("gcCpuSecondsPer1000").path(process).asDouble(-1);
            assertTrue(jitAndGc >= 0 && jitAndGc <= result.path("cpuSecondsPer1000").path(process).asDouble() + 0.01,
                    process + ": " + result);
        }
        // Every service wrote its GC log, and its pauses through the run were read from it (GcPausesTest: parsing).
        for (String service : new String[]{"scorer-service", "prompt-generator"}) {
            JsonNode pauses = result.path("gcPauses").path(service);
            assertTrue(pauses.path("pauses").asInt(-1) >= 0 && pauses.path("longestMs").asDouble(-1) >= 0
                    && pauses.path("longestMs").asDouble() <= pauses.path("totalMs").asDouble(), service + ": " + result);
        }
        // The steady part's CPU per evaluation: a part of the whole (the first fifth's evaluations excluded).
        double steadyCpu = result.path("steadyProjectCpuMsPerEvaluation").asDouble(-1);
        assertTrue(steadyCpu > 0 && steadyCpu * 0.8 <= result.path("projectCpuMsPerEvaluation").asDouble() + 0.01,
                result.toString());
        // The machine's speed in the run: the simulated server answers the same calls as the project serves, with far
        // less work per call.
        assertTrue(result.path("projectCpuPerSimulatedServerCpu").asDouble(-1) > 1, result.toString());
        // The services plugged in fresh compile their hot code during the run.
        assertTrue(result.path("projectJitMsPerEvaluation").asDouble() > 0
                && result.path("projectJitMsPerEvaluation").asDouble() < result.path("projectCpuMsPerEvaluation").asDouble(),
                result.toString());
        // The scorer's lag on each input and on the repartition topic the scores' deltas cross, sampled through
        // the run, the prompts' from the group of the scorer's client that counts them (ConsumerLagTest checks
        // the figures).
        for (String topic : new String[]{"cares.prompts", "cares.responses", "cares.judgments",
                "scorer-service-deltas-by-score-repartition"}) {
            assertTrue(result.path("scorerPeakLag").path(topic).isNumber(), result.toString());
        }
        java.util.List<String> lag = java.nio.file.Files.readAllLines(workDir.resolve("scorer-lag-e2e-benchmark_v1.tsv"));
        assertEquals("seconds\tcares.prompts\tcares.responses\tcares.judgments"
                + "\tscorer-service-deltas-by-score-repartition", lag.get(0));
        assertTrue(lag.size() > 2, lag.toString());
        // Every judgment's delay, by the second it was written.
        java.util.List<String> delays = java.nio.file.Files.readAllLines(
                workDir.resolve("dashboard-delay-e2e-benchmark_v1.tsv"));
        assertEquals("second\tjudgments\tp50 ms\tmax ms", delays.get(0));
        assertEquals(600, delays.stream().skip(1).mapToLong(line -> Long.parseLong(line.split("\t")[1])).sum(),
                delays.toString());
        // A second suite through the same, now warm, model and judge: measured apart, with the stack's memory.
        JsonNode runs = new ObjectMapper().readTree(workDir.resolve("e2e-runs.json").toFile());
        assertEquals(2, runs.size(), runs.toString());
        for (JsonNode run : runs) {
            assertEquals(600, run.path("evaluations").asLong(), run.toString());
            assertTrue(run.path("stackResidentMb").asLong() > 0, run.toString());
        }
    }

    @Test
    void theMeanCallIsTakenFromTheAnsweredCallsOfEveryInstanceBetweenTwoReadings() {
        String before = """
                # TYPE cares_model_latency_seconds summary
                cares_model_latency_seconds_count{model="m@1",status="error"} 7.0
                cares_model_latency_seconds_sum{model="m@1",status="error"} 70.0
                cares_model_latency_seconds_count{model="m@1",status="ok"} 10.0
                cares_model_latency_seconds_sum{model="m@1",status="ok"} 2.0
                cares_model_latency_seconds_max{model="m@1",status="ok"} 0.3
                """;
        String after = before.replace("status=\"ok\"} 10.0", "status=\"ok\"} 30.0")
                .replace("status=\"ok\"} 2.0", "status=\"ok\"} 6.2");
        E2eBenchmark.CallTimes first = E2eBenchmark.CallTimes.of(before, "cares_model_latency_seconds");
        E2eBenchmark.CallTimes second = E2eBenchmark.CallTimes.of(after, "cares_model_latency_seconds");
        assertEquals(210, second.meanMsSince(first), 1e-9, "20 calls answered in 4.2 s; the failed ones left out");
        E2eBenchmark.CallTimes otherInstance = new E2eBenchmark.CallTimes(10, 2.0);
        assertEquals(6200.0 / 30, second.plus(otherInstance).meanMsSince(first), 1e-9,
                "a second instance that answered 10 calls in 2 s since the first reading");
        assertTrue(Double.isNaN(first.meanMsSince(first)), "no call between the readings");
    }

    @Test
    void theKthJudgmentIsShownWhenTheDashboardCountsK() {
        long[] judgedAt = {1_000, 1_300, 1_100};
        long[] shownAt = {1_200, 1_200, 1_500};
        assertArrayEquals(new long[]{200, 100, 200}, E2eBenchmark.delays(judgedAt, shownAt));
        assertEquals(200, E2eBenchmark.percentile(new long[]{200, 100, 200}, 0.99));
        assertEquals(100, E2eBenchmark.percentile(new long[]{200, 100, 200}, 0.10));
    }

    @Test
    void theDelaysAreTabledByTheSecondTheJudgmentsWereWritten() {
        // Written 0.2, 0.9, 1.1 and 3.5 s after the start; the delays are by judgment in the order written.
        long[] judgedAt = {10_900, 10_200, 13_500, 11_100};
        long[] delays = {2_000, 1_500, 400, 900};
        assertEquals(java.util.List.of("second\tjudgments\tp50 ms\tmax ms", "0\t2\t1500\t2000", "1\t1\t400\t400",
                "3\t1\t900\t900"), E2eBenchmark.delaysBySecond(judgedAt, delays, 10_000));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"--warm-stack,-1,0", "--prompts,0,1", "--runs,0,1",
            "--model-concurrency,0,1", "--latency-ms,-5,0"})
    void anOptionOutOfRangeIsRefusedByNameBeforeAnythingStarts(String option, String value, String least) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine command = new CommandLine(new E2eBenchmark()).setErr(new java.io.PrintWriter(err));
        int exit = command.execute(option, value, "--work-dir", Path.of("target", "e2e-refused").toAbsolutePath().toString());
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains(option + " must be " + least + " or more, got " + value), err.toString());
    }
}
