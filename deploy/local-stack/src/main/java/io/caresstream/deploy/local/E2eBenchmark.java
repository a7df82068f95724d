package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole pipeline at the model endpoint's limit: a stack (prompt-generator and scorer) started for the run, or
 * one that has served before ({@code --warm-stack}), fresh model(s) and a fresh judge plugged in against the
 * simulated server, and a suite of project-made prompts imported; timed
 * from the import command to the last figure. Reports the rate against the ideal, the time to the first call,
 * judgment and figure, the delay from judgment to dashboard, and CPU and peak memory per process; exits 1 when a
 * target is missed.
 */
@Command(name = "e2e-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the whole pipeline, import to figures, against the model endpoint's limit.")
public final class E2eBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String SUITE = "e2e-benchmark@v1";
    /** Processes whose CPU is the simulated server's or the harness's, reported apart from the project's. */
    private static final List<String> APART = List.of("simulated-model");

    @Option(names = "--prompts", defaultValue = "10000", description = "Prompts in the suite (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated endpoint latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--model-concurrency", defaultValue = "32", description = "Calls in flight per model (default: ${DEFAULT-VALUE}).")
    int modelConcurrency;

    @Option(names = "--judge-concurrency", defaultValue = "32", description = "Calls in flight for the judge (default: ${DEFAULT-VALUE}).")
    int judgeConcurrency;

    @Option(names = "--models", defaultValue = "1", description = "Models evaluated at once (default: ${DEFAULT-VALUE}).")
    int models;

    @Option(names = "--target-ratio", defaultValue = "0.95", description = "Share of ideal with latency (default: ${DEFAULT-VALUE}).")
    double targetRatio;

    @Option(names = "--target-cpu-ms", defaultValue = "1.5",
            description = "CPU per evaluation at 0 ms, the project's processes together (default: ${DEFAULT-VALUE}).")
    double targetCpuMs;

    @Option(names = "--target-rate", defaultValue = "1000",
            description = "Evaluations per second at 0 ms (default: ${DEFAULT-VALUE}).")
    double targetRate;

    @Option(names = "--target-dashboard-p99-ms", defaultValue = "1000",
            description = "Judgment to dashboard, p99 (default: ${DEFAULT-VALUE}).")
    double targetDashboardP99Ms;

    @Option(names = "--target-first-figure-s", defaultValue = "2",
            description = "Import command to the first figure on the live dashboard (default: ${DEFAULT-VALUE}).")
    double targetFirstFigureS;

    @Option(names = "--runs", defaultValue = "1", description = "Suites imported one after the other into the same "
            + "stack, model(s) and judge (each a new suite of the same size): the first run plugs them in cold, the "
            + "later ones find them warm; the stack's resident memory is reported after each (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--target-stack-mb", defaultValue = "2048",
            description = "The whole stack's resident memory after the last of several runs (default: ${DEFAULT-VALUE}).")
    long targetStackMb;

    @Option(names = "--warm-stack", defaultValue = "0", description = "Before plugging in the measured model(s) and "
            + "judge, run this many prompts through a model and a judge that are then removed, so that the stack "
            + "(broker, registry, prompt-generator, scorer) has served before, as a running stack has; the model(s) "
            + "and the judge measured are still new (default: ${DEFAULT-VALUE}, a stack started for the run).")
    int warmStackPrompts;

    @Option(names = "--profile", description = "Record each service with JFR and write a CPU flame graph of each "
            + "(profiles/<service>.html in the work directory).")
    boolean recordProfiles;

    @Option(names = "--project-root", description = "The repository, where the built services are (default: the current directory).")
    Path projectRoot;

    @Option(names = "--work-dir", description = "Logs, the generated suite, e2e-result.json, the scorer's lag per run (scorer-lag-<suite>.tsv) and the judgments' delay to the dashboard by second (dashboard-delay-<suite>.tsv) (default: target/e2e-benchmark).")
    Path workDir;

    private void checkOptions() {
        atLeast("--prompts", prompts, 1);
        atLeast("--latency-ms", latencyMs, 0);
        atLeast("--model-concurrency", modelConcurrency, 1);
        atLeast("--judge-concurrency", judgeConcurrency, 1);
        atLeast("--models", models, 1);
        atLeast("--runs", runs, 1);
        atLeast("--warm-stack", warmStackPrompts, 0);
    }

    private void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be " + least + " or more, got " + value);
        }
    }

    /** The figures of one run, as e2e-result.json holds them. */
    public record Result(int prompts, int models, long latencyMs, int modelConcurrency, int judgeConcurrency,
                         int stackWarmedByPrompts, long evaluations, double seconds, double perSecond, double steadyPerSecond,
                         double idealSeconds, double ratioToIdeal, double firstPromptSeconds,
                         double firstModelCallSeconds, double firstResponseSeconds, double firstJudgeCallSeconds,
                         double firstJudgmentSeconds,
                         double firstFigureSeconds, double dashboardDelayP50Ms,
                         double dashboardDelayP99Ms, Map<String, Double> cpuSecondsPer1000,
                         double projectCpuMsPerEvaluation, Map<String, Double> jitCpuSecondsPer1000,
                         Map<String, Double> gcCpuSecondsPer1000, double projectJitMsPerEvaluation,
                         double steadyProjectCpuMsPerEvaluation, double projectCpuPerSimulatedServerCpu,
                         Map<String, Long> peakResidentMb, long stackResidentMb,
                         Map<String, Long> scorerPeakLag, double endpointAnswerMeanMs, double modelCallMeanMs,
                         double judgeCallMeanMs, Map<String, GcPauses> gcPauses, Map<String, Boolean> targets,
                         boolean met) {
    }

    /** Each service's GC log, named by its instance. */
    private Path gcLogs() {
        return workDirectory().resolve("gc");
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Path root = (projectRoot == null ? Path.of("") : projectRoot).toAbsolutePath();
        Path dir = workDirectory();
        Path suite = Throughput.generatedSuite(dir, prompts);
        Path profile = dir.resolve("profile.json");
        Files.writeString(profile, JSON.writeValueAsString(Profile.defaults().withLatencyMs(latencyMs)));
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.of(profile),
                latencyMs, List.of("scorer-service", "prompt-generator"));
        Path profiles = dir.resolve("profiles");
        // Every service logs its collector's pauses (at no measurable cost); a user's own options come first.
        String before = System.getProperty(LocalStack.JVM_OPTIONS_APPEND);
        List<String> append = new ArrayList<>(List.of(LocalStack.appendedJvmOptions()));
        Files.createDirectories(gcLogs());
        append.add(GcPauses.logOption(gcLogs()));
        if (recordProfiles) {
            Files.createDirectories(profiles);
            append.add("-XX:StartFlightRecording=settings=profile,filename=" + profiles.resolve("{name}.jfr"));
        }
        System.setProperty(LocalStack.JVM_OPTIONS_APPEND, String.join(" ", append).strip());
        List<Result> results = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            if (warmStackPrompts > 0) {
                warmStack(stack);
            }
            Plugged plugged = plugIn(stack);
            for (int run = 1; run <= runs; run++) {
                String suiteName = run == 1 ? SUITE : "e2e-benchmark-run-" + run + "@v1";
                System.out.printf("run %d of %d: importing %,d prompts as %s%n", run, runs, prompts, suiteName);
                results.add(measure(stack, plugged, suiteName));
            }
        } finally {
            // A test runs the benchmark more than once in one JVM: the next run starts from the user's options.
            if (before == null) {
                System.clearProperty(LocalStack.JVM_OPTIONS_APPEND);
            } else {
                System.setProperty(LocalStack.JVM_OPTIONS_APPEND, before);
            }
        }
        Result first = results.get(0);
        print(first);
        boolean met = first.met();
        if (runs > 1) {
            met &= printRuns(results);
            Files.writeString(dir.resolve("e2e-runs.json"), JSON.writeValueAsString(results));
            System.out.println("written: " + dir.resolve("e2e-runs.json"));
        }
        if (recordProfiles) {
            flameGraphs(profiles);
        }
        Files.writeString(dir.resolve("e2e-result.json"), JSON.writeValueAsString(first));
        System.out.println("written: " + dir.resolve("e2e-result.json"));
        return met ? 0 : 1;
    }

    /** The model(s) and the judge measured, plugged in cold just before the first import. */
    private record Plugged(List<String> modelIds, String judge, List<String> modelInstances, String judgeInstance) {

        /** The model calls and the judge calls each timed so far, as the services' own timers report them. */
        CallTimes[] callTimes(LocalStack stack) {
            CallTimes model = CallTimes.NONE;
            for (String instance : modelInstances) {
                model = model.plus(CallTimes.of(stack.metrics(instance), "cares_model_latency_seconds"));
            }
            return new CallTimes[]{model, CallTimes.of(stack.metrics(judgeInstance), "cares_judge_latency_seconds")};
        }
    }

    /**
     * Answered calls and their summed duration, from a service's Prometheus timer: between two readings, the
     * endpoint's mean latency as the service saw it. Against the simulated latency it tells a slow round trip
     * (the endpoint and the HTTP client sharing the cores) from calls the pipeline did not keep in flight.
     */
    record CallTimes(double count, double seconds) {
        static final CallTimes NONE = new CallTimes(0, 0);

        static CallTimes of(String prometheusText, String timer) {
            return new CallTimes(okValue(prometheusText, timer + "_count"), okValue(prometheusText, timer + "_sum"));
        }

        private static double okValue(String text, String series) {
            return text.lines().filter(line -> line.startsWith(series + "{") && line.contains("status=\"ok\""))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        }

        CallTimes plus(CallTimes other) {
            return new CallTimes(count + other.count, seconds + other.seconds);
        }

        /** The mean duration in ms of the calls made since {@code before}; NaN when there were none. */
        double meanMsSince(CallTimes before) {
            double calls = count - before.count;
            return calls <= 0 ? Double.NaN : (seconds - before.seconds) * 1000 / calls;
        }
    }

    /** A model and a judge run a suite of their own through the stack, then leave it. */
    private void warmStack(LocalStack stack) throws Exception {
        Path suite = Throughput.generatedSuite(workDirectory(), warmStackPrompts);
        String stamp = String.valueOf(System.currentTimeMillis());
        String model = stack.addModel("e2e-warm-up-model@" + stamp, LocalStack.Ports.free().modelInvoker(), modelSettings());
        String judge = stack.addJudge("e2e-warm-up-judge@" + stamp, LocalStack.Ports.free().judge(), judgeSettings());
        System.out.printf("warming the stack: %,d prompts through a model and a judge that then leave%n", warmStackPrompts);
        stack.importSuite(suite, "e2e-warm-up@v1");
        stack.awaitScored("e2e-warm-up@v1", warmStackPrompts, Duration.ofMinutes(10), rows -> { });
        stack.stopServices(List.of(model, judge));
    }

    private Plugged plugIn(LocalStack stack) {
        String stamp = String.valueOf(System.currentTimeMillis());
        String judge = "e2e-judge@" + stamp;
        List<String> modelIds = new ArrayList<>();
        List<String> instances = new ArrayList<>();
        // After a warm-up the log holds its suite, which a model or judge plugged in would evaluate first: the
        // measured ones begin at the log's end, so they read only the measured suite.
        for (int i = 1; i <= models; i++) {
            String model = "e2e-model-" + i + "@" + stamp;
            if (warmStackPrompts > 0) {
                stack.startGroupAtLogEnd("model-invoker." + model, Topics.PROMPTS);
            }
            instances.add(stack.addModel(model, LocalStack.Ports.free().modelInvoker(), modelSettings()));
            modelIds.add(model);
        }
        if (warmStackPrompts > 0) {
            stack.startGroupAtLogEnd("judge-service." + judge, Topics.RESPONSES);
        }
        String judgeInstance = stack.addJudge(judge, LocalStack.Ports.free().judge(), judgeSettings());
        System.out.printf("%d model(s) and a judge plugged in%n", models);
        return new Plugged(List.copyOf(modelIds), judge, List.copyOf(instances), judgeInstance);
    }

    /** One line per run, and the stack's memory after the last against its target; whether that is met. */
    private boolean printRuns(List<Result> results) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-5s %10s %10s %12s %12s %12s %14s %14s %12s %16s%n", "run", "seconds", "eval/s",
                "CPU ms/eval", "of it JIT", "after 20%", "1st judgment s", "1st figure s", "p99 ms", "stack resident MB");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            System.out.printf(Locale.ROOT, "%-5d %10.2f %10.1f %12.3f %12.3f %12.3f %14.2f %14.2f %12.0f %16d%n", i + 1,
                    r.seconds(), r.perSecond(), r.projectCpuMsPerEvaluation(), r.projectJitMsPerEvaluation(),
                    r.steadyProjectCpuMsPerEvaluation(),
                    r.firstJudgmentSeconds(), r.firstFigureSeconds(), r.dashboardDelayP99Ms(), r.stackResidentMb());
        }
        long last = results.get(results.size() - 1).stackResidentMb();
        long firstMb = results.get(0).stackResidentMb();
        boolean met = last <= targetStackMb;
        System.out.printf(Locale.ROOT, "stack resident after %d runs: %,d MB (after the first: %,d MB; %+,d MB per later run)"
                        + "; target %,d MB, ratio %.2f: %s%n", results.size(), last, firstMb,
                (last - firstMb) / Math.max(1, results.size() - 1), targetStackMb, (double) targetStackMb / last,
                met ? "met" : "NOT met");
        return met;
    }

    private Result measure(LocalStack stack, Plugged plugged, String suiteName) throws Exception {
        String judge = plugged.judge();
        List<String> modelIds = plugged.modelIds();
        long evaluations = (long) prompts * models;
        Map<String, Double> cpuBefore = stack.cpuSeconds();
        ThreadCpu threadCpu = ThreadCpu.watch(stack::threadCpuSeconds, stack::cpuSeconds, System::currentTimeMillis);
        CallTimes[] timedBefore = plugged.callTimes(stack);
        JsonNode statsBefore = stack.simulatedStats();
        long callsBefore = statsBefore.path("requests").asLong();
        long judgeCallsBefore = judgeCalls(statsBefore);
        RecordTimes judged = RecordTimes.follow(stack.bootstrapServers(), Topics.JUDGMENTS, EventKeys.judgePrefix(judge), evaluations);
        // Only the first prompt and response matter; their readers stop there and spare the machine.
        RecordTimes published = RecordTimes.follow(stack.bootstrapServers(), Topics.PROMPTS, "", 1);
        RecordTimes answered = RecordTimes.follow(stack.bootstrapServers(), Topics.RESPONSES,
                EventKeys.responsePrefix(modelIds.get(0)), 1);
        Dashboard dashboard = Dashboard.watch(stack.scorerPort(), stack.token(LocalAuth.Role.VIEWER), judge, suiteName,
                evaluations);

        long start = System.nanoTime();
        long startMs = System.currentTimeMillis();
        // Which input the scorer is behind on during the run: a figure waits for its stream thread.
        Map<String, String> scorerInputs = new LinkedHashMap<>();
        scorerInputs.put(Topics.PROMPTS, PROMPT_COUNTS_GROUP);
        scorerInputs.put(Topics.RESPONSES, SCORER_GROUP);
        scorerInputs.put(Topics.JUDGMENTS, SCORER_GROUP);
        scorerInputs.put(SCORER_GROUP + "-deltas-by-score-repartition", SCORER_GROUP);
        ConsumerLag scorerLag = ConsumerLag.watch(stack.bootstrapServers(), scorerInputs, startMs);
        java.util.concurrent.CompletableFuture<JsonNode> importer =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> stack.importSuite(stackSuite(), suiteName));
        long deadline = start + Duration.ofMinutes(30).toNanos();
        // The first model call and the first judge call: the simulated server's counters, asked until they move
        // (a few seconds at most). The judge's tells a response's way to the judge from the judge's own call.
        long firstCallMs = 0;
        long firstJudgeCallMs = 0;
        while (firstJudgeCallMs == 0) {
            JsonNode stats = stack.simulatedStats();
            long now = System.currentTimeMillis();
            if (firstCallMs == 0 && stats.path("requests").asLong() > callsBefore) {
                firstCallMs = now;
            }
            if (judgeCalls(stats) > judgeCallsBefore) {
                firstJudgeCallMs = now;
            }
            failIfOver(importer, deadline, 0);
            Thread.sleep(20);
        }
        // The rest from the dashboard's live stream, as a user watching it sees the figures: it pushes every
        // change within its tick (100 ms), so nothing polls the scorer while the run is measured.
        while (!dashboard.awaitCount(evaluations, Duration.ofSeconds(1))) {
            failIfOver(importer, deadline, dashboard.shown());
        }
        long[] shown = dashboard.shownAt();
        long firstFigureMs = shown[0];
        long twentyPercentMs = shown[(int) Math.max(0, evaluations / 5 - 1)];
        // The steady part, for the rate and the CPU alike: the evaluations after the first fifth.
        double steadyEvaluations = evaluations * 0.8;
        long endMs = shown[(int) evaluations - 1];
        importer.join();
        Map<String, Double> cpuAfter = stack.cpuSeconds();
        Map<String, Map<ThreadCpu.Kind, Double>> cpuByKind = threadCpu.stop();
        CallTimes[] timedAfter = plugged.callTimes(stack);
        double endpointAnswerMeanMs = endpointAnswerMeanMs(statsBefore, stack.simulatedStats());
        dashboard.close();
        scorerLag.close();
        Path lagFile = workDirectory().resolve("scorer-lag-" + suiteName.replaceAll("[^A-Za-z0-9.-]", "_") + ".tsv");
        scorerLag.write(lagFile);
        awaitScores(stack, judge, suiteName, evaluations);
        judged.close();
        answered.close();
        published.close();

        double seconds = (endMs - startMs) / 1e3;
        double ideal = latencyMs == 0 ? Double.NaN : (prompts * latencyMs / 1000.0) / modelConcurrency + latencyMs / 1000.0;
        long[] delays = delays(judged.times(), dashboard.shownAt());
        Files.write(workDirectory().resolve("dashboard-delay-" + suiteName.replaceAll("[^A-Za-z0-9.-]", "_") + ".tsv"),
                delaysBySecond(judged.times(), delays, startMs));
        Map<String, Double> cpuPer1000 = new LinkedHashMap<>();
        Map<String, Double> jitPer1000 = new LinkedHashMap<>();
        Map<String, Double> gcPer1000 = new LinkedHashMap<>();
        double projectCpu = 0;
        double projectJit = 0;
        double apartCpu = 0;
        for (var entry : cpuAfter.entrySet()) {
            double used = entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0.0);
            Map<ThreadCpu.Kind, Double> kinds = cpuByKind.getOrDefault(entry.getKey(), Map.of());
            double jit = kinds.getOrDefault(ThreadCpu.Kind.JIT, 0.0);
            cpuPer1000.put(entry.getKey(), round(used * 1000 / evaluations));
            jitPer1000.put(entry.getKey(), round(jit * 1000 / evaluations));
            gcPer1000.put(entry.getKey(), round(kinds.getOrDefault(ThreadCpu.Kind.GC_AND_VM, 0.0) * 1000 / evaluations));
            if (APART.stream().noneMatch(entry.getKey()::startsWith)) {
                projectCpu += used;
                projectJit += jit;
            } else {
                apartCpu += used;
            }
        }
        // The same part of the run as the steady rate: what each evaluation costs once the warm-up is mostly behind.
        double steadyProjectCpu = threadCpu.usedBetween(twentyPercentMs, endMs).entrySet().stream()
                .filter(entry -> APART.stream().noneMatch(entry.getKey()::startsWith))
                .mapToDouble(Map.Entry::getValue).sum();
        Map<String, Long> peak = new LinkedHashMap<>();
        stack.peakResidentKb().forEach((name, kb) -> peak.put(name, kb / 1024));
        long stackResidentMb = stack.residentKb().values().stream().mapToLong(Long::longValue).sum() / 1024;

        double perSecond = evaluations / seconds;
        double steady = steadyEvaluations / ((endMs - twentyPercentMs) / 1e3);
        double ratio = latencyMs == 0 ? Double.NaN : ideal / seconds;
        double cpuMsPerEvaluation = projectCpu * 1000 / evaluations;
        double p50 = percentile(delays, 0.50);
        double p99 = percentile(delays, 0.99);
        double firstFigureSeconds = (firstFigureMs - startMs) / 1e3;
        Map<String, Boolean> targets = new LinkedHashMap<>();
        if (latencyMs > 0) {
            targets.put(String.format(Locale.ROOT, "at least %.0f%% of ideal", targetRatio * 100), ratio >= targetRatio);
        } else {
            targets.put(String.format(Locale.ROOT, "at most %.1f ms CPU per evaluation", targetCpuMs), cpuMsPerEvaluation <= targetCpuMs);
            targets.put(String.format(Locale.ROOT, "at least %,.0f evaluations/s", targetRate), perSecond >= targetRate);
        }
        targets.put(String.format(Locale.ROOT, "judgment to dashboard p99 under %.0f ms", targetDashboardP99Ms), p99 < targetDashboardP99Ms);
        targets.put(String.format(Locale.ROOT, "first figure within %.0f s", targetFirstFigureS), firstFigureSeconds <= targetFirstFigureS);
        boolean met = targets.values().stream().allMatch(Boolean::booleanValue);
        return new Result(prompts, models, latencyMs, modelConcurrency, judgeConcurrency, warmStackPrompts, evaluations,
                round(seconds), round(perSecond), round(steady), round(ideal), round(ratio),
                round(published.firstSecondsAfter(start)), round((firstCallMs - startMs) / 1e3),
                round(answered.firstSecondsAfter(start)), round((firstJudgeCallMs - startMs) / 1e3),
                round(judged.firstSecondsAfter(start)),
                round(firstFigureSeconds), round(p50), round(p99), cpuPer1000, round(cpuMsPerEvaluation), jitPer1000,
                gcPer1000, round(projectJit * 1000 / evaluations), round(steadyProjectCpu * 1000 / steadyEvaluations),
                round(apartCpu > 0 ? projectCpu / apartCpu : Double.NaN), peak,
                stackResidentMb, scorerLag.peaks(), round(endpointAnswerMeanMs), round(timedAfter[0].meanMsSince(timedBefore[0])),
                round(timedAfter[1].meanMsSince(timedBefore[1])), GcPauses.between(gcLogs(), startMs, endMs), targets,
                met);
    }

    /** The scorer's consumer group: the stack's scorer keeps the default application id. */
    private static final String SCORER_GROUP = "scorer-service";
    /** The scorer counts the prompts on a Kafka Streams client of its own. */
    private static final String PROMPT_COUNTS_GROUP = SCORER_GROUP + "-prompts";

    /** Frames of a thread that waits rather than runs (Net.poll: a blocking socket read, as a model call waits). */
    private static final String WAITING = ".*(EPoll\\.wait|epollWait|Unsafe\\.park|Object\\.wait|Thread\\.sleep|accept0|poll0|Net\\.poll).*";

    /** A CPU flame graph (HTML, async-profiler's converter) beside each service's JFR recording. */
    private static void flameGraphs(Path profiles) throws java.io.IOException {
        try (var recordings = Files.list(profiles)) {
            for (Path jfr : recordings.filter(p -> p.toString().endsWith(".jfr")).sorted().toList()) {
                String name = jfr.getFileName().toString().replaceFirst("\\.jfr$", "");
                Path html = profiles.resolve(name + ".html");
                // JFR also samples threads waiting in native code (a poll, a park): left out, what remains is CPU.
                one.convert.Main.convert(jfr.toString(), html.toString(), new one.convert.Arguments(
                        "--output", "html", "--simple", "--minwidth", "0.2", "--exclude", WAITING,
                        "--title", name + ": where the CPU goes (JFR samples, waiting threads left out)"));
                System.out.println("flame graph: " + html);
            }
        }
    }

    /** Where the benchmark's suite file is (the same generated file each run). */
    private Path stackSuite() {
        return workDirectory().resolve("generated-" + prompts + ".jsonl");
    }

    private Path workDirectory() {
        return (workDir == null ? Path.of("target", "e2e-benchmark") : workDir).toAbsolutePath();
    }

    private Map<String, String> modelSettings() {
        return Map.of("smallrye.messaging.worker.model-calls.max-concurrency", String.valueOf(modelConcurrency),
                "cares.model.model-name", "simulated-model",
                "quarkus.log.category.\"io.caresstream\".level", "WARN");
    }

    private Map<String, String> judgeSettings() {
        return Map.of("smallrye.messaging.worker.judge-calls.max-concurrency", String.valueOf(judgeConcurrency),
                "quarkus.log.category.\"io.caresstream\".level", "WARN");
    }

    private static void failIfOver(java.util.concurrent.CompletableFuture<JsonNode> importer, long deadline, long counted) {
        if (importer.isCompletedExceptionally()) {
            importer.join(); // throws the import's failure
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not all evaluations counted within 30 minutes: " + counted);
        }
    }

    /** What the dashboard showed, /api/scores must serve too. */
    private static void awaitScores(LocalStack stack, String judge, String suite, long evaluations)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counted(stack, judge, suite) < evaluations) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the dashboard counted " + evaluations
                        + " judgments, /api/scores only " + counted(stack, judge, suite));
            }
            Thread.sleep(100);
        }
    }

    /** Judgments the scorer counts for the judge, all models together. */
    private static long counted(LocalStack stack, String judge, String suite) {
        long n = 0;
        for (ScoreRow row : stack.scores()) {
            if (row.judgeId().equals(judge) && row.suite().equals(suite)) {
                n += row.judged();
            }
        }
        return n;
    }

    /**
     * The delay of each judgment to the dashboard: the k-th judgment (by the time the judge wrote it) is shown
     * once the dashboard counts k of them.
     */
    static long[] delays(long[] judgedAtMs, long[] shownAtMs) {
        long[] sorted = judgedAtMs.clone();
        Arrays.sort(sorted);
        int n = Math.min(sorted.length, shownAtMs.length);
        long[] delays = new long[n];
        for (int k = 0; k < n; k++) {
            delays[k] = Math.max(0, shownAtMs[k] - sorted[k]);
        }
        return delays;
    }

    /**
     * The judgment-to-dashboard delays by the second (after the import command) in which the judgments were
     * written: how many, their p50 and their largest, so a p99 over target shows when in the run it arose.
     */
    static List<String> delaysBySecond(long[] judgedAtMs, long[] delays, long startMs) {
        long[] sorted = judgedAtMs.clone();
        Arrays.sort(sorted);
        Map<Long, List<Long>> bySecond = new TreeMap<>();
        for (int k = 0; k < delays.length; k++) {
            bySecond.computeIfAbsent(Math.max(0, sorted[k] - startMs) / 1000, s -> new ArrayList<>()).add(delays[k]);
        }
        List<String> lines = new ArrayList<>(List.of("second\tjudgments\tp50 ms\tmax ms"));
        bySecond.forEach((second, values) -> lines.add(String.format(Locale.ROOT, "%d\t%d\t%.0f\t%d", second,
                values.size(), percentile(values.stream().mapToLong(Long::longValue).toArray(), 0.5),
                values.stream().mapToLong(Long::longValue).max().orElse(0))));
        return lines;
    }

    /** The nearest-rank percentile (p in 0..1): a delay some judgment really had. */
    static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1)
                .evaluate(Arrays.stream(values).asDoubleStream().toArray(), p * 100);
    }

    /** The simulated judge's answers so far: it counts each call by the label it gives ("judge.refuse", ...). */
    /**
     * The simulated endpoint's own mean time from a request's arrival to its answer between two readings of its
     * counters: the latency the ideal counts, plus whatever the endpoint itself added; NaN without answers.
     */
    static double endpointAnswerMeanMs(JsonNode before, JsonNode after) {
        long answers = after.path(SimulatedModelServer.TIMED_ANSWERS).asLong()
                - before.path(SimulatedModelServer.TIMED_ANSWERS).asLong();
        long micros = after.path(SimulatedModelServer.TIMED_ANSWERS_MICROS).asLong()
                - before.path(SimulatedModelServer.TIMED_ANSWERS_MICROS).asLong();
        return answers <= 0 ? Double.NaN : micros / 1000.0 / answers;
    }

    private static long judgeCalls(JsonNode stats) {
        long calls = 0;
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) stats::fields) {
            if (field.getKey().startsWith("judge.")) {
                calls += field.getValue().asLong();
            }
        }
        return calls;
    }

    private static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 1000) / 1000.0;
    }

    private static void print(Result r) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%,d prompts x %d model(s), %d ms latency, model concurrency %d, judge concurrency %d%n",
                r.prompts(), r.models(), r.latencyMs(), r.modelConcurrency(), r.judgeConcurrency());
        System.out.println(r.stackWarmedByPrompts() == 0 ? "the stack started for this run; the model(s) and the judge plugged in new"
                : String.format(Locale.ROOT, "a running stack (%,d prompts through it before, by a model and a judge that"
                + " left); the model(s) and the judge plugged in new", r.stackWarmedByPrompts()));
        System.out.printf(Locale.ROOT, "%-44s %14s%n", "figure", "measured");
        row("evaluations", String.format(Locale.ROOT, "%,d", r.evaluations()));
        row("import command to last figure", String.format(Locale.ROOT, "%.2f s", r.seconds()));
        row("evaluations per second (whole run)", String.format(Locale.ROOT, "%,.1f", r.perSecond()));
        row("evaluations per second (after the first 20%)", String.format(Locale.ROOT, "%,.1f", r.steadyPerSecond()));
        if (r.latencyMs() > 0) {
            row("ideal (N x latency / concurrency + latency)", String.format(Locale.ROOT, "%.2f s", r.idealSeconds()));
            row("ratio to ideal", String.format(Locale.ROOT, "%.3f", r.ratioToIdeal()));
        }
        row("import command to first prompt published", String.format(Locale.ROOT, "%.2f s", r.firstPromptSeconds()));
        row("import command to first model call", String.format(Locale.ROOT, "%.2f s", r.firstModelCallSeconds()));
        row("import command to first response", String.format(Locale.ROOT, "%.2f s", r.firstResponseSeconds()));
        row("import command to first judge call", String.format(Locale.ROOT, "%.2f s", r.firstJudgeCallSeconds()));
        row("import command to first judgment", String.format(Locale.ROOT, "%.2f s", r.firstJudgmentSeconds()));
        row("import command to first figure", String.format(Locale.ROOT, "%.2f s", r.firstFigureSeconds()));
        row("judgment to dashboard, p50", String.format(Locale.ROOT, "%.0f ms", r.dashboardDelayP50Ms()));
        row("judgment to dashboard, p99", String.format(Locale.ROOT, "%.0f ms", r.dashboardDelayP99Ms()));
        row("endpoint's answer after the request arrived, mean", String.format(Locale.ROOT, "%.1f ms",
                r.endpointAnswerMeanMs()));
        row("model call, mean as the invoker timed it", String.format(Locale.ROOT, "%.0f ms", r.modelCallMeanMs()));
        row("judge call, mean as the judge timed it", String.format(Locale.ROOT, "%.0f ms", r.judgeCallMeanMs()));
        if (r.latencyMs() > 0) {
            // The most a model's invoker can answer with its concurrency full all the time at that round trip.
            row("model calls/s that round trip allows", String.format(Locale.ROOT, "%,.1f",
                    r.models() * r.modelConcurrency() * 1000 / r.modelCallMeanMs()));
        }
        row("CPU per evaluation, project processes", String.format(Locale.ROOT, "%.3f ms", r.projectCpuMsPerEvaluation()));
        row("  of which their JIT compilers' (warm-up)", String.format(Locale.ROOT, "%.3f ms", r.projectJitMsPerEvaluation()));
        row("  after the first 20%", String.format(Locale.ROOT, "%.3f ms", r.steadyProjectCpuMsPerEvaluation()));
        // The simulated server does the same work in every run, so its CPU gauges the machine's speed in that run: on
        // a shared machine the same build's CPU per evaluation moves by up to a half from run to run (1.38-2.07 ms
        // in seven runs of one hour), this by about an eighth (6.9-7.8 x).
        row("  against the simulated server's CPU", String.format(Locale.ROOT, "%.2f x", r.projectCpuPerSimulatedServerCpu()));
        row("stack resident memory at the end", String.format(Locale.ROOT, "%,d MB", r.stackResidentMb()));
        r.scorerPeakLag().forEach((topic, lag) -> row("scorer's largest lag on " + topic, String.format(Locale.ROOT, "%,d", lag)));
        System.out.println();
        // By kind of thread: the JIT's compilers, the collector's and the JVM's own, and the rest, the application's;
        // then each service's collector pauses through the run (a pause stops every thread of the process).
        System.out.printf(Locale.ROOT, "%-44s %18s %10s %10s %12s %12s  %s%n", "process", "CPU s / 1,000 eval", "JIT",
                "GC and VM", "application", "peak RSS MB", "GC pauses (full), total / longest");
        r.cpuSecondsPer1000().forEach((name, cpu) -> {
            double jit = r.jitCpuSecondsPer1000().getOrDefault(name, 0.0);
            double gc = r.gcCpuSecondsPer1000().getOrDefault(name, 0.0);
            GcPauses pauses = r.gcPauses().get(name);
            System.out.printf(Locale.ROOT, "%-44s %18.3f %10.3f %10.3f %12.3f %12d  %s%n", name, cpu, jit, gc,
                    Math.max(0, cpu - jit - gc), r.peakResidentMb().getOrDefault(name, -1L),
                    pauses == null ? "-" : pauses.summary());
        });
        System.out.println();
        r.targets().forEach((target, met) -> System.out.printf("target: %-44s %s%n", target, met ? "met" : "NOT met"));
    }

    private static void row(String figure, String value) {
        System.out.printf(Locale.ROOT, "%-44s %14s%n", figure, value);
    }

    /** When each record of a topic under a key prefix was written (the records' timestamps), read as they arrive. */
    static final class RecordTimes implements AutoCloseable {
        private final ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread reader;
        private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);

        private RecordTimes(String bootstrap, String topic, String keyPrefix, long expected) {
            reader = new Thread(() -> read(bootstrap, topic, keyPrefix, expected), "e2e-" + topic);
            reader.setDaemon(true);
            reader.start();
        }

        /** Follows the topic from its current end; returns once the reader holds that position. */
        static RecordTimes follow(String bootstrap, String topic, String keyPrefix, long expected)
                throws InterruptedException {
            RecordTimes times = new RecordTimes(bootstrap, topic, keyPrefix, expected);
            if (!times.positioned.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not follow " + topic + " within 30 s");
            }
            return times;
        }

        private void read(String bootstrap, String topic, String keyPrefix, long expected) {
            // The times are the records' own, so reading them late changes no figure: fetches of 64 KB or half a
            // second keep the benchmark's reading from costing the broker (counted with the project) a fetch per
            // judgment or two.
            Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 65536,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (running.get() && times.size() < expected) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.key() != null && record.key().startsWith(keyPrefix)) {
                            times.add(record.timestamp());
                        }
                    }
                }
            }
        }

        long[] times() {
            return times.stream().mapToLong(Long::longValue).toArray();
        }

        long first() {
            return times.stream().mapToLong(Long::longValue).min().orElse(0);
        }

        /** Seconds from the given System.nanoTime() to the first record (wall clock of both sides); NaN if none. */
        double firstSecondsAfter(long startNanos) {
            if (first() == 0) {
                return Double.NaN;
            }
            long startMs = System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000;
            return (first() - startMs) / 1000.0;
        }

        /** Stops reading once every record expected is read (or after 5 s more). */
        @Override
        public void close() throws InterruptedException {
            reader.join(5000);
            running.set(false);
            reader.join(5000);
        }
    }

    /** The dashboard's live stream: when it first counted each judgment of the judge (wall clock, ms). */
    static final class Dashboard implements AutoCloseable {
        private final long[] shownAt;
        private int shown;
        private final java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> stream;

        private Dashboard(int port, String token, String judge, String suite, long expected) {
            shownAt = new long[(int) expected];
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/live?suite="
                            + URLEncoder.encode(suite, StandardCharsets.UTF_8)))
                    .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build();
            stream = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            stream.thenAccept(response -> listen(response.body(), judge));
        }

        static Dashboard watch(int port, String token, String judge, String suite, long expected) {
            return new Dashboard(port, token, judge, suite, expected);
        }

        private void listen(InputStream body, String judge) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    long counted = 0;
                    for (JsonNode row : JSON.readTree(line.substring(5)).path("scores")) {
                        if (row.path("judgeId").asText().equals(judge)) {
                            JsonNode coverage = row.path("coverage");
                            counted += coverage.path("judged").asLong();
                        }
                    }
                    synchronized (this) {
                        for (long i = shown; i < Math.min(counted, shownAt.length); i++) {
                            shownAt[(int) i] = now;
                        }
                        shown = (int) Math.max(shown, Math.min(counted, shownAt.length));
                        notifyAll();
                    }
                }
            } catch (Exception e) {
                // the stream is closed at the end of the run
            }
        }

        /** Whether the dashboard counted that many within the timeout. */
        synchronized boolean awaitCount(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (shown < count && System.nanoTime() < deadline) {
                wait(200);
            }
            return shown >= count;
        }

        synchronized long shown() {
            return shown;
        }

        synchronized long[] shownAt() {
            return Arrays.copyOf(shownAt, shown);
        }

        @Override
        public void close() {
            stream.thenAccept(response -> {
                try {
                    response.body().close();
                } catch (java.io.IOException e) {
                    // closing
                }
            });
            stream.cancel(true);
        }
    }

    public static void main(String[] args) {
        LocalStack.quietKafkaClients();
        System.exit(new CommandLine(new E2eBenchmark()).execute(args));
    }
}
