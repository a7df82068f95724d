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
 * Benchmark (issue 5): judgments per second the judge-service makes, with the simulated judge answering
 * after a fixed latency, against the ideal (concurrency / latency), and its ceiling with no latency. A
 * model answers the prompts first; then each run plugs a new judge in, which judges every stored response.
 */
@Command(name = "judge-benchmark", mixinStandardHelpOptions = true,
        description = "Measures judge-service throughput against concurrency / latency.")
public class JudgeBenchmark implements Callable<Integer> {

    @Option(names = "--responses", defaultValue = "12000", description = "Responses to judge (default: ${DEFAULT-VALUE}).")
    int responses;

    @CommandLine.Mixin
    Throughput.Options run;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path dir = run.workDir("judge-benchmark");
        Path suite = Throughput.generatedSuite(dir, responses);
        ObjectMapper json = new ObjectMapper();
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of("model-invoker", "prompt-generator"));
        List<Throughput.Run> runs;
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            stack.importSuite(suite, "judge-benchmark");
            System.out.printf("%,d prompts on the log; waiting for the model's responses%n", responses);
            while (stack.getJson(options.ports().modelInvoker(), "/api/model").path("answered").asInt() < responses) {
                Thread.sleep(500);
            }
            runs = run.runAll((latency, concurrency) -> measure(stack, json, latency, concurrency));
        }
        return Throughput.print("judgments", runs, 64, run.targetRatio, run.latencyMs) ? 0 : 1;
    }

    /** Plugs in a new judge with this concurrency and times it through every stored response. */
    private Throughput.Run measure(LocalStack stack, ObjectMapper json, long latency, int concurrency) throws Exception {
        stack.setSimulatedProfile(json.writeValueAsString(Profile.defaults().withLatencyMs(latency)));
        String judge = "bench-judge-l" + latency + "-c" + concurrency + "@" + System.currentTimeMillis();
        int port = LocalStack.Ports.free().judge();
        stack.addJudge(judge, port, Map.of(
                "smallrye.messaging.worker.judge-calls.max-concurrency", String.valueOf(concurrency),
                "quarkus.log.category.\"io.caresstream\".level", "WARN"));
        return Throughput.time(judge, latency, concurrency, responses, () -> stack.getJson(port, "/api/judge"),
                view -> true, view -> view.path("judged").asInt());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new JudgeBenchmark()).execute(args));
    }
}
