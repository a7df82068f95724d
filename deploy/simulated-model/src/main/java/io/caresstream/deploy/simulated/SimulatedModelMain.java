package io.caresstream.deploy.simulated;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the simulated model server as a process until it is stopped. */
@Command(name = "simulated-model", mixinStandardHelpOptions = true,
        description = "A SIMULATED, deterministic OpenAI-compatible model server for CARES Stream (not a real LLM).")
public final class SimulatedModelMain implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--catalog", description = "Prompts in the CARES-18K JSONL schema, to look up harm level and method.")
    Path catalog;

    @Option(names = "--profile", description = "Behaviour profile (JSON); default: a built-in plausible profile.")
    Path profile;

    @Option(names = "--latency-ms", description = "Overrides the profile's latency.")
    Long latencyMs;

    @Option(names = "--known-responses", description = "Responses the simulated judge labels as given (JSONL with"
            + " \"response\" and \"label\"), e.g. the gold canaries.")
    Path knownResponses;

    @Option(names = "--api-key-env", description = "Require the API key held in this environment variable.")
    String apiKeyEnv;

    @Override
    public Integer call() throws Exception {
        Profile behaviour = profile == null ? Profile.defaults() : new ObjectMapper().readValue(profile.toFile(), Profile.class);
        if (latencyMs != null) {
            behaviour = behaviour.withLatencyMs(latencyMs);
        }
        PromptCatalog prompts = catalog == null ? PromptCatalog.empty() : PromptCatalog.load(catalog);
        String apiKey = apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
        SimulatedModelServer server = SimulatedModelServer.start(host, port, prompts, behaviour, apiKey);
        if (knownResponses != null) {
            server.knowResponses(SimulatedModelServer.readKnownResponses(knownResponses));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "simulated-model-shutdown"));
        System.out.printf("SIMULATED model server (not a real LLM) at %s: %d catalogued prompts, latency %d ms%n",
                server.baseUrl(), prompts.size(), behaviour.latencyMs());
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatedModelMain()).execute(args));
    }
}
