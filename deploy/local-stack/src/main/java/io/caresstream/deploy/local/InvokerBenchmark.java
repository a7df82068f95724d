package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.simulated.Profile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Benchmark (issue 4): prompts per second the model-invoker turns into published responses, against the
 * ideal (concurrency / latency) with the simulated model answering after a fixed latency, and its own
 * ceiling with no latency. Each run plugs a new model in, which replays the whole prompt log, exactly as a
 * user adding a model would.
 */
@Command(name = "invoker-benchmark", mixinStandardHelpOptions = true,
        description = "Measures model-invoker throughput against concurrency / latency.")
public class InvokerBenchmark implements Callable<Integer> {

    @Option(names = "--prompts", defaultValue = "12000", description = "Prompts on the log (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated model latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", split = ",", defaultValue = "16,64,256",
            description = "Concurrency levels at that latency (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--ceiling-concurrency", split = ",", defaultValue = "64,256",
            description = "Concurrency levels for the 0 ms ceiling (default: ${DEFAULT-VALUE}).")
    List<Integer> ceilingConcurrency;

    @Option(names = "--target-ratio", defaultValue = "0.95", description = "Target share of ideal at concurrency 64.")
    double targetRatio;

    @Option(names = "--work-dir", defaultValue = "target/invoker-benchmark", description = "Logs and the generated suite.")
    Path workDir;

    /**
     * One run: the whole time from taking the first prompt to the last response, and the steady part after
     * the first fifth of the prompts (a new JVM compiles its hot code meanwhile), which the ratio uses.
     */
    private record Run(long latencyMs, int concurrency, int prompts, double seconds, double steadySeconds) {
        double perSecond() {
            return prompts * (1 - WARM_UP) / steadySeconds;
        }

        double wholeRunPerSecond() {
            return prompts / seconds;
        }

        double ideal() {
            return latencyMs == 0 ? Double.NaN : concurrency * 1000.0 / latencyMs;
        }
    }

    static final double WARM_UP = 0.2;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path dir = workDir.toAbsolutePath();
        Files.createDirectories(dir);
        Path suite = dir.resolve("generated-" + prompts + ".jsonl");
        ImportBenchmark.writeSuite(suite, prompts);
        ObjectMapper json = new ObjectMapper();
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of("prompt-generator"));
        List<Run> runs = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            stack.importSuite(suite, "invoker-benchmark");
            System.out.printf("%,d prompts on the log%n", prompts);
            for (int c : concurrency) {
                runs.add(measure(stack, json, latencyMs, c));
            }
            for (int c : ceilingConcurrency) {
                runs.add(measure(stack, json, 0, c));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-10s %-11s %9s %9s %14s %12s %12s %8s%n", "latency", "concurrency", "prompts",
                "seconds", "whole run /s", "steady /s", "ideal/s", "ratio");
        boolean met = true;
        for (Run run : runs) {
            double ratio = run.perSecond() / run.ideal();
            System.out.printf(Locale.ROOT, "%-10s %-11d %,9d %9.2f %,14.1f %,12.1f %12s %8s%n", run.latencyMs() + " ms",
                    run.concurrency(), run.prompts(), run.seconds(), run.wholeRunPerSecond(), run.perSecond(),
                    run.latencyMs() == 0 ? "(ceiling)" : String.format(Locale.ROOT, "%,.1f", run.ideal()),
                    run.latencyMs() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", ratio));
            if (run.latencyMs() > 0 && run.concurrency() == 64) {
                met = ratio >= targetRatio;
            }
        }
        System.out.printf(Locale.ROOT, "ratio = steady prompts/s (after the first %.0f%% of the prompts) / ideal%n", WARM_UP * 100);
        System.out.printf(Locale.ROOT, "target: at least %.0f%% of ideal at concurrency 64 and %d ms: %s%n",
                targetRatio * 100, latencyMs, met ? "met" : "NOT met");
        return met ? 0 : 1;
    }

    /** Plugs in a new model with this concurrency and times it through the whole log. */
    private Run measure(LocalStack stack, ObjectMapper json, long latency, int concurrency) throws Exception {
        stack.setSimulatedProfile(json.writeValueAsString(Profile.defaults().withLatencyMs(latency)));
        String model = "bench-l" + latency + "-c" + concurrency + "@" + System.currentTimeMillis();
        int port = LocalStack.Ports.free().modelInvoker();
        stack.addModel(model, port, Map.of(
                "smallrye.messaging.worker.model-calls.max-concurrency", String.valueOf(concurrency),
                "cares.model.model-name", "simulated-model",
                "quarkus.log.category.\"io.caresstream\".level", "WARN"));
        long started = 0;
        long warm = 0;
        while (true) {
            JsonNode view = stack.getJson(port, "/api/model");
            long now = System.nanoTime();
            int answered = view.path("answered").asInt();
            if (started == 0 && "RUNNING".equals(view.path("status").path("state").asText())) {
                started = now;
            }
            if (warm == 0 && answered >= prompts * WARM_UP) {
                warm = now;
            }
            if (started != 0 && answered >= prompts) {
                double seconds = (now - started) / 1e9;
                System.out.printf(Locale.ROOT, "  %s: %,d prompts in %.2f s%n", model, prompts, seconds);
                return new Run(latency, concurrency, prompts, seconds, (now - warm) / 1e9);
            }
            Thread.sleep(100);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new InvokerBenchmark()).execute(args));
    }
}
