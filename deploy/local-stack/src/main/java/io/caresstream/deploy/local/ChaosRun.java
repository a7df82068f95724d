package io.caresstream.deploy.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run: a real evaluation (two models, one LLM judge, the simulated model server answering with
 * rate limits, server errors, hangs and malformed bodies) on real processes, broken on purpose on a seeded
 * schedule (every service killed with SIGKILL several times, Kafka nodes killed, a model-invoker scaled out
 * and back, a scorer instance added and removed), then compared with a clean run of the same workload: the
 * figures must be identical, nothing lost, nothing counted twice, and no successful call billed again beyond
 * those in flight or unacknowledged at a kill.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kills every part of a running evaluation on a seeded schedule and checks that its figures equal a clean run's.")
public final class ChaosRun implements Callable<Integer> {

    static final String SUITE = "chaos";
    static final String MODEL_A = "simulated-model@chaos-a";
    static final String MODEL_B = "simulated-model-b@chaos-b";
    static final String MODEL_B_NAME = "simulated-model-b";
    static final String JUDGE_NAME = "simulated-judge";
    /** Calls in flight per invoker or judge instance (the services' default concurrency). */
    static final int CONCURRENCY = 16;

    @Option(names = "--prompts", defaultValue = "2000", description = "Prompts in the suite (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--seed", defaultValue = "13", description = "Seed of the fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kills", defaultValue = "3", description = "SIGKILLs of each service instance (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--broker-kills", defaultValue = "2", description = "SIGKILLs of a Kafka node (default: ${DEFAULT-VALUE}).")
    int brokerKills;

    @Option(names = "--brokers", defaultValue = "3", description = "Kafka nodes: 3 (replicated) or 1 (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--scale", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Scale a model-invoker 1 -> 3 -> 1 and add and remove a scorer instance (default: ${DEFAULT-VALUE}).")
    boolean scale;

    @Option(names = "--latency-ms", defaultValue = "500", description = "Simulated latency in the faulty run (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--work-dir", defaultValue = "target/chaos", description = "Logs, the suite and chaos-result.json.")
    Path workDir;

    @Option(names = "--project-root", defaultValue = ".", description = "The project's folder (default: the current one).")
    Path projectRoot;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private long startedAt;

    /** A step of the schedule, at a position between 0 and 1 of the run. */
    private record Step(double at, String kind, String target) {
    }

    /** What one run ends with. */
    record Outcome(JsonNode figures, Map<String, Map<String, Integer>> billing, JsonNode stats, Map<String, Long> keys,
                   Map<String, Long> records, long deadLetters) {
    }

    @Override
    public Integer call() throws Exception {
        Path root = projectRoot.toAbsolutePath().normalize();
        Path dir = workDir.toAbsolutePath();
        Files.createDirectories(dir);
        startedAt = System.nanoTime();
        List<Path> chunks = chunks(Throughput.generatedSuite(dir, prompts), dir, stepsPlanned().size());
        say("suite of %,d project-made prompts in %d parts; 2 models, 1 LLM judge; seed %d", prompts, chunks.size(), seed);

        say("clean run: no faults, 1 Kafka node, latency 0");
        Outcome clean = clean(root, dir.resolve("clean"), chunks);
        say("faulty run: %d Kafka nodes, latency %d ms, API faults on every call, the schedule below", brokers, latencyMs);
        Map<String, Integer> injected = new TreeMap<>();
        long chaosStarted = System.nanoTime();
        Outcome chaos = chaos(root, dir.resolve("faulty"), chunks, injected);
        double wallSeconds = (System.nanoTime() - chaosStarted) / 1e9;

        ObjectNode result = compare(clean, chaos, injected, wallSeconds);
        Path out = dir.resolve("chaos-result.json");
        JSON.writeValue(out.toFile(), result);
        print(result);
        System.out.println("written: " + out);
        return result.path("passed").asBoolean() ? 0 : 1;
    }

    // ---- the two runs ----

    private Outcome clean(Path root, Path dir, List<Path> chunks) throws Exception {
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir,
                Optional.of(profile(dir, false)), 0).withSettings(clientSettings());
        try (LocalStack stack = LocalStack.start(options, line -> say("  clean: %s", line))) {
            plugInSecondModel(stack);
            for (Path chunk : chunks) {
                stack.importSuite(chunk, SUITE);
            }
            awaitScored(stack, "clean");
            return outcome(stack);
        }
    }

    private Outcome chaos(Path root, Path dir, List<Path> chunks, Map<String, Integer> injected) throws Exception {
        LocalStack.Ports ports = LocalStack.Ports.free();
        LocalStack.Options options = new LocalStack.Options(root, ports, dir, Optional.of(profile(dir, true)), latencyMs)
                .withBrokers(brokers).withSettings(clientSettings());
        try (LocalStack stack = LocalStack.start(options, line -> say("  faulty: %s", line))) {
            int modelBPort = LocalStack.Ports.free().modelInvoker();
            String modelB = plugInSecondModel(stack, modelBPort);
            Map<String, Integer> servicePorts = new HashMap<>(Map.of("prompt-generator", ports.promptGenerator(),
                    "model-invoker", ports.modelInvoker(), modelB, modelBPort, "judge-service", ports.judge(),
                    "scorer-service", ports.scorer()));
            List<String> scaledOut = new ArrayList<>();
            String extraScorer = null;
            List<Step> steps = stepsPlanned();
            Random random = new Random(seed);
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                Path chunk = chunks.get(i);
                String target = step.target().equals("model-invoker-b") ? modelB : step.target();
                say("step %d/%d: %s %s (judged so far: %s)", i + 1, steps.size(), step.kind(), target, judged(stack));
                switch (step.kind()) {
                    case "kill" -> {
                        if (target.equals("prompt-generator")) {
                            killDuringImport(stack, chunk, ports.promptGenerator(), random, injected);
                            continue;
                        }
                        stack.importSuite(chunk, SUITE);
                        if (target.equals("scorer-service-extra")) {
                            target = extraScorer;
                        }
                        stack.crashService(target, pause(random));
                        injected.merge("kill " + step.target(), 1, Integer::sum);
                    }
                    case "kill-broker" -> {
                        stack.importSuite(chunk, SUITE);
                        int node = brokers == 1 ? 0 : Integer.parseInt(target);
                        stack.crashBroker(node, pause(random));
                        injected.merge("kill kafka node", 1, Integer::sum);
                    }
                    case "scale-out" -> {
                        stack.importSuite(chunk, SUITE);
                        int port = LocalStack.Ports.free().modelInvoker();
                        scaledOut.add(stack.addModelInstance(MODEL_A, port, Map.of()));
                        injected.merge("model-invoker instance added", 1, Integer::sum);
                    }
                    case "scale-in" -> {
                        stack.importSuite(chunk, SUITE);
                        Duration stopped = stack.stopService(scaledOut.remove(scaledOut.size() - 1));
                        say("  stopped with SIGTERM in %.1f s", stopped.toMillis() / 1000.0);
                        injected.merge("model-invoker instance removed (SIGTERM)", 1, Integer::sum);
                    }
                    case "add-scorer" -> {
                        stack.importSuite(chunk, SUITE);
                        int port = LocalStack.Ports.free().scorer();
                        extraScorer = stack.addScorerInstance(port);
                        servicePorts.put(extraScorer, port);
                        injected.merge("scorer instance added", 1, Integer::sum);
                    }
                    case "remove-scorer" -> {
                        stack.importSuite(chunk, SUITE);
                        Duration stopped = stack.stopService(extraScorer);
                        say("  stopped with SIGTERM in %.1f s", stopped.toMillis() / 1000.0);
                        injected.merge("scorer instance removed (SIGTERM)", 1, Integer::sum);
                    }
                    default -> throw new IllegalStateException(step.kind());
                }
            }
            awaitScored(stack, "faulty");
            Outcome outcome = outcome(stack);
            // Last, every service is stopped as an operator stops a deployment (SIGTERM to all), each within 30 s.
            stack.stopServices(List.of("prompt-generator", "model-invoker", modelB, "judge-service", "scorer-service"))
                    .forEach((service, took) -> {
                        stopSeconds.put(service, took == null ? Double.NaN : took.toMillis() / 1000.0);
                        if (took == null) {
                            say("  %s did not stop within %d s of SIGTERM and was killed", service,
                                    LocalStack.STOP_GRACE.toSeconds());
                        }
                    });
            say("stopped with SIGTERM (seconds): %s", stopSeconds);
            return outcome;
        }
    }

    /** Seconds each service of the faulty run took to stop after SIGTERM (NaN: it had to be killed). */
    private final Map<String, Double> stopSeconds = new LinkedHashMap<>();

    /** Starts an import, kills the prompt-generator while it runs, restarts it and imports the part again. */
    private void killDuringImport(LocalStack stack, Path chunk, int port, Random random, Map<String, Integer> injected)
            throws Exception {
        CompletableFuture<JsonNode> importing = CompletableFuture.supplyAsync(() -> stack.importSuite(chunk, SUITE));
        Thread.sleep(5 + random.nextInt(60));
        stack.crashService("prompt-generator", pause(random));
        injected.merge("kill prompt-generator", 1, Integer::sum);
        boolean interrupted;
        try {
            importing.get(30, TimeUnit.SECONDS);
            interrupted = false;
        } catch (Exception e) {
            interrupted = true;
        }
        if (interrupted) {
            injected.merge("imports interrupted by the kill", 1, Integer::sum);
        }
        say("  the import %s; importing the part again", interrupted ? "was cut off by the kill" : "had finished before the kill");
        stack.importSuite(chunk, SUITE);
    }

    /**
     * The schedule: each service instance killed {@code kills} times and Kafka nodes {@code brokerKills} times at
     * seeded positions; a model-invoker scaled out to 3 instances at a third of the run and back at two thirds;
     * the extra scorer instance, killed like the first, present in between.
     */
    private List<Step> stepsPlanned() {
        Random random = new Random(seed);
        List<Step> steps = new ArrayList<>();
        for (String service : List.of("prompt-generator", "model-invoker", "model-invoker-b", "judge-service", "scorer-service")) {
            for (int k = 0; k < kills; k++) {
                steps.add(new Step(random.nextDouble(), "kill", service));
            }
        }
        for (int k = 0; k < brokerKills; k++) {
            steps.add(new Step(random.nextDouble(), "kill-broker", String.valueOf(k % brokers)));
        }
        if (scale) {
            steps.add(new Step(0.2, "add-scorer", "scorer-service"));
            for (int k = 0; k < kills; k++) {
                steps.add(new Step(0.25 + 0.5 * random.nextDouble(), "kill", "scorer-service-extra"));
            }
            steps.add(new Step(0.8, "remove-scorer", "scorer-service"));
            steps.add(new Step(0.33, "scale-out", "model-invoker"));
            steps.add(new Step(0.34, "scale-out", "model-invoker"));
            steps.add(new Step(0.66, "scale-in", "model-invoker"));
            steps.add(new Step(0.67, "scale-in", "model-invoker"));
        }
        steps.sort(Comparator.comparingDouble(Step::at));
        return steps;
    }

    private static Duration pause(Random random) {
        return Duration.ofMillis(1000 + random.nextInt(2000));
    }

    private static String plugInSecondModel(LocalStack stack) {
        return plugInSecondModel(stack, LocalStack.Ports.free().modelInvoker());
    }

    private static String plugInSecondModel(LocalStack stack, int port) {
        return stack.addModel(MODEL_B, port, Map.of("cares.model.model-name", MODEL_B_NAME));
    }

    /** Both runs: the first model's id, and client timeouts short enough that a hanging call is retried soon. */
    private static Map<String, String> clientSettings() {
        return Map.of("cares.model.id", MODEL_A, "cares.model.timeout", "2s", "cares.judge.timeout", "2s");
    }

    /**
     * The simulated model: labels drawn per prompt, a few prompts that fail on every call (in both runs: they
     * must end as ERROR responses), and in the faulty run on the first three attempts of any call 10% 429 (half
     * with Retry-After), 5% 500, 2% hangs past the client's timeout and 1% malformed bodies; the fourth attempt
     * is answered, so every fault is retried away within the services' retry budget.
     */
    private Path profile(Path dir, boolean faulty) throws Exception {
        ObjectNode profile = JSON.createObjectNode();
        profile.putArray("rules");
        profile.putObject("unknownPrompt").put("accept", 0.45).put("caution", 0.25).put("refuse", 0.30);
        profile.put("latencyMs", faulty ? latencyMs : 0);
        ObjectNode faults = profile.putObject("faults").put("failingPromptRate", 0.005).put("timeoutMs", 2500)
                .put("retryAfterSeconds", 1).put("onlyFirstAttempts", 3);
        if (faulty) {
            faults.put("rate429", 0.10).put("retryAfterShare", 0.5).put("rate500", 0.05).put("rateTimeout", 0.02)
                    .put("rateMalformed", 0.01);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("simulated-profile.json");
        JSON.writeValue(file.toFile(), profile);
        return file;
    }

    private static List<Path> chunks(Path suite, Path dir, int parts) throws Exception {
        List<String> lines = Files.readAllLines(suite, StandardCharsets.UTF_8);
        List<Path> chunks = new ArrayList<>();
        int size = (lines.size() + parts - 1) / parts;
        for (int i = 0; i < parts; i++) {
            Path chunk = dir.resolve("part-" + (i + 1) + ".jsonl");
            List<String> part = lines.subList(Math.min(lines.size(), i * size), Math.min(lines.size(), (i + 1) * size));
            Files.write(chunk, part, StandardCharsets.UTF_8);
            chunks.add(chunk);
        }
        return chunks.stream().filter(c -> c.toFile().length() > 0).toList();
    }

    private void awaitScored(LocalStack stack, String run) throws InterruptedException {
        long[] lastSaid = {0};
        stack.awaitScored(SUITE, prompts, 2, Duration.ofMinutes(15), rows -> {
            if (System.nanoTime() - lastSaid[0] > 5e9) {
                lastSaid[0] = System.nanoTime();
                say("  %s: judged %s of %,d per model", run, judged(rows), prompts);
            }
        });
    }

    private static String judged(LocalStack stack) {
        try {
            return judged(stack.scores().stream().filter(r -> r.suite().equals(SUITE)).toList());
        } catch (RuntimeException e) {
            return "(scorer not answering)";
        }
    }

    private static String judged(List<ScoreRow> rows) {
        return rows.isEmpty() ? "0" : String.join(" / ", rows.stream().map(r -> String.format(Locale.ROOT, "%,d", r.judged())).toList());
    }

    // ---- what a run ends with ----

    private Outcome outcome(LocalStack stack) throws InterruptedException {
        ArrayNode figures = settledFigures(stack);
        Map<String, Map<String, Integer>> billing = JSON.convertValue(stack.getJson(stack.ports().model(), "/admin/billing"),
                new TypeReference<>() {
                });
        Map<String, Long> keys = new TreeMap<>();
        Map<String, Long> records = new TreeMap<>();
        long deadLetters = 0;
        for (String topic : List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS)) {
            Map<String, Long> perKey = recordsPerKey(stack.bootstrapServers(), topic);
            keys.put(topic, (long) perKey.size());
            records.put(topic, perKey.values().stream().mapToLong(Long::longValue).sum());
        }
        for (String topic : List.of(Topics.PROMPTS_DLQ, Topics.RESPONSES_DLQ, Topics.JUDGMENTS_DLQ)) {
            deadLetters += recordsPerKey(stack.bootstrapServers(), topic).values().stream().mapToLong(Long::longValue).sum();
        }
        return new Outcome(figures, billing, stack.simulatedStats(), keys, records, deadLetters);
    }

    /**
     * The figures once the scorer has caught up: every prompt counted in the coverage as responded and judged,
     * and two reads a second apart the same. (The judgments can be counted before the last responses are: after
     * a restart the scorer works through each input at its own pace.) After 5 minutes, the figures as they are.
     */
    private ArrayNode settledFigures(LocalStack stack) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        ArrayNode previous = null;
        while (true) {
            ArrayNode figures;
            try {
                figures = figures(stack);
            } catch (IllegalStateException e) {
                figures = null; // not answering for a moment
            }
            if (figures != null && figures.equals(previous) && caughtUp(figures) || System.nanoTime() > deadline) {
                return figures != null ? figures : previous;
            }
            previous = figures;
            Thread.sleep(1000);
        }
    }

    private boolean caughtUp(ArrayNode figures) {
        for (JsonNode detail : figures) {
            JsonNode coverage = detail.path("score").path("coverage");
            if (coverage.path("suitePrompts").asLong() < prompts || coverage.path("responded").asLong() < prompts
                    || coverage.path("judged").asLong() < prompts) {
                return false;
            }
        }
        return figures.size() == 2;
    }

    private ArrayNode figures(LocalStack stack) {
        ArrayNode figures = JSON.createArrayNode();
        JsonNode scores = stack.getJson(stack.scorerPort(), "/api/scores?suite=" + SUITE);
        List<JsonNode> rows = new ArrayList<>();
        scores.forEach(rows::add);
        rows.sort(Comparator.comparing(r -> r.path("modelId").asText()));
        for (JsonNode row : rows) {
            String query = "/api/detail?suite=" + SUITE + "&model=" + encode(row.path("modelId").asText())
                    + "&judge=" + encode(row.path("judgeId").asText());
            figures.add(withoutMeasurements(stack.getJson(stack.scorerPort(), query)));
        }
        return figures;
    }

    /** The figures without what differs between any two runs by nature: latencies measured. */
    private static JsonNode withoutMeasurements(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("meanLatencyMs");
            object.forEach(ChaosRun::strip);
        } else if (node instanceof ArrayNode array) {
            array.forEach(ChaosRun::strip);
        }
    }

    /** Records per key of a topic, read committed from its beginning to its end (null keys counted under ""). */
    private static Map<String, Long> recordsPerKey(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Long> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    counts.merge(record.key() == null ? "" : record.key(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    // ---- the checks ----

    private ObjectNode compare(Outcome clean, Outcome chaos, Map<String, Integer> injected, double wallSeconds) {
        ObjectNode result = JSON.createObjectNode();
        boolean identical = clean.figures().equals(chaos.figures());
        result.put("identical", identical);
        if (!identical) {
            result.set("cleanFigures", clean.figures());
            result.set("faultyFigures", chaos.figures());
        }
        long expected = 2L * prompts;
        long judgedKeys = chaos.keys().get(Topics.JUDGMENTS);
        long responseKeys = chaos.keys().get(Topics.RESPONSES);
        long lost = Math.max(0, expected - responseKeys) + Math.max(0, expected - judgedKeys);
        result.put("lost", lost);
        long counted = 0;
        for (JsonNode detail : chaos.figures()) {
            counted += detail.path("score").path("coverage").path("judged").asLong();
        }
        result.put("duplicateScores", Math.max(0, counted - expected));
        result.put("dlq", chaos.deadLetters());
        ObjectNode log = result.putObject("log");
        for (String topic : chaos.keys().keySet()) {
            log.putObject(topic).put("keys", chaos.keys().get(topic)).put("records", chaos.records().get(topic))
                    .put("cleanRunRecords", clean.records().get(topic));
        }

        Billing model = Billing.of(clean.billing(), chaos.billing(), name -> !name.startsWith(JUDGE_NAME));
        Billing judge = Billing.of(clean.billing(), chaos.billing(), name -> name.startsWith(JUDGE_NAME));
        result.set("modelCallsPerPrompt", model.json(JSON));
        result.set("judgeCallsPerResponse", judge.json(JSON));
        long extra = model.extra() + judge.extra();
        int invokerAndJudgeKills = injected.getOrDefault("kill model-invoker", 0)
                + injected.getOrDefault("kill model-invoker-b", 0) + injected.getOrDefault("kill judge-service", 0);
        // At a SIGKILL, calls in flight and results the broker has not yet acknowledged are lost after the provider
        // billed them: at most four times the concurrency of the killed instance (UnloggedCalls). Every other fault
        // (broker, scorer, prompt-generator, rebalances, graceful stops) re-bills none.
        long bound = (long) invokerAndJudgeKills * 4 * CONCURRENCY;
        result.put("extraBilledCalls", extra);
        result.put("extraBilledBound", bound);
        result.put("wallSeconds", Math.round(wallSeconds * 10) / 10.0);
        ObjectNode stops = result.putObject("stopSecondsAfterSigterm");
        stopSeconds.forEach(stops::put);
        ObjectNode faults = result.putObject("faultsInjected");
        injected.forEach(faults::put);
        chaos.stats().fields().forEachRemaining(f -> {
            if (f.getKey().startsWith("fault.")) {
                faults.put("api " + f.getKey().substring(6), f.getValue().asLong());
            }
        });
        faults.put("api requests", chaos.stats().path("requests").asLong());
        ObjectNode errors = result.putObject("explicitOutcomes");
        for (JsonNode detail : chaos.figures()) {
            JsonNode coverage = detail.path("score").path("coverage");
            errors.putObject(detail.path("score").path("modelId").asText())
                    .put("responseErrors", coverage.path("responseErrors").asLong())
                    .put("unjudgeable", coverage.path("unjudgeable").asLong());
        }

        List<String> failures = new ArrayList<>();
        if (!identical) {
            failures.add("the figures differ from the clean run's");
        }
        if (lost > 0) {
            failures.add(lost + " responses or judgments missing");
        }
        if (counted != expected) {
            failures.add("the scorer counted " + counted + " judgments for " + expected);
        }
        if (chaos.deadLetters() > 0) {
            failures.add(chaos.deadLetters() + " dead letters");
        }
        if (extra > bound) {
            failures.add(extra + " calls billed again, above the bound of " + bound);
        }
        stopSeconds.forEach((service, seconds) -> {
            if (!(seconds < LocalStack.STOP_GRACE.toSeconds())) {
                failures.add(service + " did not stop within " + LocalStack.STOP_GRACE.toSeconds() + " s of SIGTERM");
            }
        });
        int planned = stepsPlanned().stream().mapToInt(s -> s.kind().startsWith("kill") ? 1 : 0).sum();
        int killed = injected.entrySet().stream().filter(e -> e.getKey().startsWith("kill ")).mapToInt(Map.Entry::getValue).sum();
        if (killed < planned) {
            failures.add("only " + killed + " of " + planned + " kills were made");
        }
        result.put("passed", failures.isEmpty());
        ArrayNode failed = result.putArray("failures");
        failures.forEach(failed::add);
        return result;
    }

    /** Successful (billed) calls of the faulty run against the clean run's, per request. */
    record Billing(long calls, long cleanCalls, long requests, int max, long extra) {

        static Billing of(Map<String, Map<String, Integer>> clean, Map<String, Map<String, Integer>> chaos,
                          java.util.function.Predicate<String> models) {
            long calls = 0;
            long cleanCalls = 0;
            long requests = 0;
            int max = 0;
            long extra = 0;
            for (var model : chaos.entrySet()) {
                if (!models.test(model.getKey())) {
                    continue;
                }
                Map<String, Integer> reference = clean.getOrDefault(model.getKey(), Map.of());
                for (var request : model.getValue().entrySet()) {
                    int expected = reference.getOrDefault(request.getKey(), 0);
                    calls += request.getValue();
                    // A judge request can stand for several responses (two models answering a prompt alike);
                    // the clean run says how many.
                    max = Math.max(max, expected == 0 ? request.getValue() : request.getValue() / expected);
                    extra += Math.max(0, request.getValue() - expected);
                }
                requests += reference.size();
                cleanCalls += reference.values().stream().mapToLong(Integer::longValue).sum();
            }
            return new Billing(calls, cleanCalls, requests, max, extra);
        }

        ObjectNode json(ObjectMapper json) {
            return json.createObjectNode().put("billed", calls).put("billedInCleanRun", cleanCalls)
                    .put("max", max).put("mean", cleanCalls == 0 ? 0 : Math.round(1000.0 * calls / cleanCalls) / 1000.0)
                    .put("extra", extra);
        }
    }

    private void print(ObjectNode result) {
        System.out.println();
        System.out.println("Faults injected                              count");
        result.path("faultsInjected").fields().forEachRemaining(f ->
                System.out.printf(Locale.ROOT, "  %-42s %,6d%n", f.getKey(), f.getValue().asLong()));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-52s %-14s %s%n", "Check", "faulty run", "target");
        row("figures identical to the clean run", result.path("identical").asBoolean() ? "yes" : "NO", "yes");
        row("responses and judgments lost", result.path("lost").asText(), "0");
        row("judgments counted twice", result.path("duplicateScores").asText(), "0");
        row("dead letters", result.path("dlq").asText(), "0");
        JsonNode model = result.path("modelCallsPerPrompt");
        JsonNode judge = result.path("judgeCallsPerResponse");
        row("billed model calls per prompt (max, mean)", model.path("max").asText() + ", " + model.path("mean").asText(), "1, 1");
        row("billed judge calls per response (max, mean)", judge.path("max").asText() + ", " + judge.path("mean").asText(), "1, 1");
        row("calls billed again", result.path("extraBilledCalls").asText(),
                "<= " + result.path("extraBilledBound").asText() + " (unlogged at the kills)");
        result.path("explicitOutcomes").fields().forEachRemaining(f -> row("ERROR / UNJUDGEABLE, " + f.getKey(),
                f.getValue().path("responseErrors").asText() + " / " + f.getValue().path("unjudgeable").asText(), "as the clean run"));
        double slowestStop = stopSeconds.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        row("slowest stop after SIGTERM", String.format(Locale.ROOT, "%.1f s", slowestStop),
                "< " + LocalStack.STOP_GRACE.toSeconds() + " s");
        row("wall time of the faulty run", result.path("wallSeconds").asText() + " s", "");
        System.out.println();
        System.out.println(result.path("passed").asBoolean() ? "PASSED" : "FAILED: " + result.path("failures"));
    }

    private static void row(String check, String value, String target) {
        System.out.printf(Locale.ROOT, "%-52s %-14s %s%n", check, value, target);
    }

    private void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%5.0f s] %s%n", (System.nanoTime() - startedAt) / 1e9, String.format(Locale.ROOT, format, args));
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        LocalStack.quietKafkaClients();
        System.exit(new CommandLine(new ChaosRun()).execute(args));
    }
}
