package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.simulated.Profile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
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

    @CommandLine.Mixin
    Throughput.Options run;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path dir = run.workDir("invoker-benchmark");
        Path suite = Throughput.generatedSuite(dir, prompts);
        ObjectMapper json = new ObjectMapper();
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of("prompt-generator"));
        List<Throughput.Run> runs;
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            stack.importSuite(suite, "invoker-benchmark");
            System.out.printf("%,d prompts on the log%n", prompts);
            runs = run.runAll((latency, concurrency) -> measure(stack, json, latency, concurrency));
        }
        boolean met = Throughput.print("prompts", runs, 64, run.targetRatio, run.latencyMs);
        return met ? 0 : 1;
    }

    /** Plugs in a new model with this concurrency and times it through the whole log. */
    private Throughput.Run measure(LocalStack stack, ObjectMapper json, long latency, int concurrency) throws Exception {
        stack.setSimulatedProfile(json.writeValueAsString(Profile.defaults().withLatencyMs(latency)));
        String model = "bench-l" + latency + "-c" + concurrency + "@" + System.currentTimeMillis();
        int port = LocalStack.Ports.free().modelInvoker();
        stack.addModel(model, port, Map.of(
                "smallrye.messaging.worker.model-calls.max-concurrency", String.valueOf(concurrency),
                "cares.model.model-name", "simulated-model",
                "quarkus.log.category.\"io.caresstream\".level", "WARN"));
        return Throughput.time(model, latency, concurrency, prompts, () -> stack.getJson(port, "/api/model"),
                view -> "RUNNING".equals(view.path("status").path("state").asText()),
                view -> view.path("answered").asInt());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new InvokerBenchmark()).execute(args));
    }
}
