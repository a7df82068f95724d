package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgeProvenance;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.ModelProvenance;
import io.caresstream.events.Principle;
import io.caresstream.events.PromptMetadata;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark (issue 6), two figures of the scorer-service:
 * <ol>
 *   <li>throughput: N judgments (default 1,000,000: 20,000 prompts by 50 models) are put on the judgment log
 *   first; then a new scorer (its own application id) starts and is timed until its leaderboard counts them
 *   all. Target: under 40 s (issue 15; 60 s before).</li>
 *   <li>delay to the dashboard: judgments are sent at a fixed rate (default 500/s) while a client listens to
 *   the dashboard's server-sent events; judgment i is shown once an update counts i or more judgments of its
 *   model. Target: p99 under 1 s.</li>
 * </ol>
 */
@Command(name = "scorer-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the scorer's judgments per second and the delay from a judgment to the dashboard.")
public class ScorerBenchmark implements Callable<Integer> {

    @Option(names = "--prompts", defaultValue = "20000", description = "Prompts per model (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--models", defaultValue = "50", description = "Models (default: ${DEFAULT-VALUE}).")
    int models;

    @Option(names = "--target-seconds", defaultValue = "40", description = "Target for all judgments (default: ${DEFAULT-VALUE}).")
    double targetSeconds;

    @Option(names = "--rate", defaultValue = "500", description = "Judgments per second for the delay (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "How long to send at that rate (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--target-p99-ms", defaultValue = "1000", description = "Target p99 delay (default: ${DEFAULT-VALUE}).")
    double targetP99Ms;

    @Option(names = "--work-dir", description = "Logs.")
    Path workDir;

    private static final String JUDGE = "bench-judge@1";
    /** A scorer that counts nothing new for this long has failed: the run ends instead of waiting for ever. */
    private static final java.time.Duration STALLED = java.time.Duration.ofSeconds(120);
    private static final String SUITE = "scorer-benchmark/test@bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path dir = (workDir == null ? Path.of("target/scorer-benchmark") : workDir).toAbsolutePath();
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of());
        boolean throughputMet;
        boolean delayMet;
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            long total = (long) prompts * models;
            try (KafkaProducer<String, JudgmentEvent> producer = producer(stack, true)) {
                long start = System.nanoTime();
                Random random = new Random(7);
                for (int m = 0; m < models; m++) {
                    String model = "bench-model-" + m + "@1";
                    for (int p = 0; p < prompts; p++) {
                        JudgmentEvent judgment = judgment(model, "p" + p, p, random);
                        producer.send(new ProducerRecord<>(Topics.JUDGMENTS,
                                EventKeys.judgment(JUDGE, model, judgment.getPromptId()), judgment));
                    }
                    System.out.printf("  on the log: %,d of %,d judgments%n", (m + 1L) * prompts, total);
                }
                producer.flush();
                System.out.printf("  %,d judgments written in %.1f s%n", total, (System.nanoTime() - start) / 1e9);
            }

            // Throughput: a new scorer rebuilds every figure from the log.
            int port = LocalStack.Ports.free().scorer();
            Map<String, Double> cpuBefore = stack.cpuSeconds();
            long launched = System.nanoTime();
            stack.addScorer("scorer-benchmark-" + System.currentTimeMillis(), port,
                    Map.of("quarkus.log.category.\"io.caresstream\".level", "WARN"));
            long ready = System.nanoTime();
            long counted = 0;
            long lastProgress = System.nanoTime();
            while (counted < total) {
                long now = counted(stack, port);
                if (now > counted) {
                    counted = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALLED.toNanos()) {
                    System.out.printf("  the scorer counted nothing new for %d s: see its log in %s%n",
                            STALLED.toSeconds(), dir.resolve("logs"));
                    return 2;
                }
                System.out.printf("  scored %,d of %,d%n", counted, total);
                Thread.sleep(1000);
            }
            long done = System.nanoTime();
            // CPU is steadier than wall time on a shared machine: the figure to compare builds by.
            Map<String, Double> cpuPer1000 = new java.util.LinkedHashMap<>();
            stack.cpuSeconds().forEach((process, seconds) -> cpuPer1000.put(process,
                    (seconds - cpuBefore.getOrDefault(process, 0.0)) * 1000 / total));
            double fromReady = (done - ready) / 1e9;
            double fromLaunch = (done - launched) / 1e9;
            throughputMet = fromReady < targetSeconds;

            // Delay: a live client, judgments at a fixed rate.
            Delay delay = measureDelay(stack, port);
            delayMet = delay.p99Ms < targetP99Ms;

            System.out.println();
            System.out.println("| figure | measured | target | ratio (target / measured) |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| %,d judgments aggregated, from ready | %.1f s (%,.0f judgments/s) | < %.0f s | %.2f |%n",
                    total, fromReady, total / fromReady, targetSeconds, targetSeconds / fromReady);
            System.out.printf(Locale.ROOT, "| the same, from JVM launch | %.1f s | | |%n", fromLaunch);
            cpuPer1000.forEach((process, seconds) -> System.out.printf(Locale.ROOT,
                    "| CPU per 1,000 judgments, %s | %.3f s | | |%n", process, seconds));
            System.out.printf(Locale.ROOT, "| delay judgment to dashboard at %d/s, p50 | %.0f ms | | |%n", rate, delay.p50Ms);
            System.out.printf(Locale.ROOT, "| the same, p99 (of %,d judgments) | %.0f ms | < %.0f ms | %.2f |%n",
                    delay.count, delay.p99Ms, targetP99Ms, targetP99Ms / delay.p99Ms);
            System.out.printf(Locale.ROOT, "| the same, max | %.0f ms | | |%n", delay.maxMs);
        }
        return throughputMet && delayMet ? 0 : 1;
    }

    private record Delay(long count, double p50Ms, double p99Ms, double maxMs) {
    }

    private Delay measureDelay(LocalStack stack, int port) throws Exception {
        String model = "bench-live-model@" + System.currentTimeMillis();
        int count = rate * seconds;
        long[] sentAt = new long[count];
        long[] shownAt = new long[count];
        AtomicLong shown = new AtomicLong();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> events = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/live?suite=" + SUITE.replace("/", "%2F").replace("@", "%40")))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + stack.token(io.caresstream.cli.auth.LocalAuth.Role.VIEWER)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread listener = new Thread(() -> listen(events.body(), model, shownAt, shown), "sse-listener");
        listener.setDaemon(true);
        listener.start();
        System.out.printf("  sending %,d judgments at %d/s to %s while listening to the dashboard%n", count, rate, model);
        try (KafkaProducer<String, JudgmentEvent> producer = producer(stack, false)) {
            Random random = new Random(11);
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                JudgmentEvent judgment = judgment(model, "live-" + i, i, random);
                sentAt[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.JUDGMENTS, EventKeys.judgment(JUDGE, model, judgment.getPromptId()),
                        judgment));
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (shown.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        events.body().close();
        if (shown.get() < count) {
            throw new IllegalStateException("the dashboard showed only " + shown.get() + " of " + count + " judgments");
        }
        double[] delays = new double[count];
        for (int i = 0; i < count; i++) {
            delays[i] = (shownAt[i] - sentAt[i]) / 1e6;
        }
        Percentile percentile = new Percentile();
        percentile.setData(delays);
        return new Delay(count, percentile.evaluate(50), percentile.evaluate(99),
                java.util.Arrays.stream(delays).max().orElse(0));
    }

    /** Reads server-sent events; each update that counts more judgments of the model marks them shown now. */
    private static void listen(InputStream body, String model, long[] shownAt, AtomicLong shown) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                long now = System.nanoTime();
                for (JsonNode row : JSON.readTree(line.substring(5)).path("scores")) {
                    if (row.path("modelId").asText().equals(model)) {
                        long labelled = Math.min(row.path("labelled").asLong(), shownAt.length);
                        for (long i = shown.get(); i < labelled; i++) {
                            shownAt[(int) i] = now;
                        }
                        shown.set(Math.max(shown.get(), labelled));
                    }
                }
            }
        } catch (Exception e) {
            // The stream is closed at the end of the run.
        }
    }

    private static long counted(LocalStack stack, int port) {
        long n = 0;
        try {
            for (JsonNode row : stack.getJson(port, "/api/scores?suite=" + SUITE.replace("/", "%2F").replace("@", "%40"))) {
                n += row.path("coverage").path("judged").asLong();
            }
        } catch (RuntimeException e) {
            return 0; // not ready yet (503)
        }
        return n;
    }

    private static KafkaProducer<String, JudgmentEvent> producer(LocalStack stack, boolean bulk) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, bulk ? 50 : 0,
                ProducerConfig.BATCH_SIZE_CONFIG, bulk ? 512 * 1024 : 16 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, bulk ? "lz4" : "none",
                SerdeConfig.REGISTRY_URL, stack.registryUrl(),
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true));
    }

    /** A judgment whose cell and label are drawn from a fixed seed. */
    private static JudgmentEvent judgment(String model, String prompt, int index, Random random) {
        Principle principle = Principle.values()[index % Principle.values().length];
        HarmLevel level = HarmLevel.values()[(index / 8) % HarmLevel.values().length];
        Method method = Method.values()[(index / 32) % Method.values().length];
        String generator = List.of("gpt", "gemini", "claude", "deepseek").get((index / 128) % 4);
        Label label = Label.values()[random.nextInt(Label.values().length)];
        PromptMetadata metadata = PromptMetadata.newBuilder().setSuite(SUITE).setPrinciple(principle).setHarmLevel(level)
                .setMethod(method).setGenerator(generator).setBasePromptId("b" + index / 4)
                .setDataset(new DatasetProvenance("generated", "bench", "test", "scorer-benchmark")).build();
        return JudgmentEvent.newBuilder()
                .setJudgeId(JUDGE).setModelId(model).setPromptId(prompt).setMetadata(metadata)
                .setJudge(JudgeProvenance.newBuilder().setJudgeId(JUDGE).setProvider("benchmark").setModelName("none")
                        .setRubricVersion("bench").setSimulated(true).build())
                .setModel(ModelProvenance.newBuilder().setModelId(model).setProvider("benchmark").setModelName("none")
                        .setBaseUrl("http://127.0.0.1/").setTemperature(0).setMaxTokens(0).setSimulated(true).build())
                .setOutcome(JudgmentOutcome.LABELLED).setLabel(label).setRawAnswer(label.name())
                .setJudgedAt(Instant.now()).build();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScorerBenchmark()).execute(args));
    }
}
