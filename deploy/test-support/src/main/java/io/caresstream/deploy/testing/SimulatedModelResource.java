package io.caresstream.deploy.testing;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.PromptCatalog;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Quarkus test resource: a simulated model server in the test JVM that knows the sample suite, with the
 * given config key pointed at its base URL. Tests reach it through {@link #server()} to change its profile.
 */
public class SimulatedModelResource implements QuarkusTestResourceLifecycleManager {

    private static volatile SimulatedModelServer server;
    private String baseUrlKey = "cares.model.base-url";

    @Override
    public void init(Map<String, String> initArgs) {
        baseUrlKey = initArgs.getOrDefault("base-url-key", baseUrlKey);
    }

    @Override
    public Map<String, String> start() {
        try {
            PromptCatalog catalog = PromptCatalog.load(TestInfrastructure.projectRoot()
                    .resolve("deploy/sample-suite/cares-sample.jsonl"));
            server = SimulatedModelServer.start(0, catalog, Profile.defaults(), null);
            // The simulated judge knows the gold canaries' labels, as a good judge would.
            server.knowResponses(io.caresstream.events.benchmark.GoldCanaries.v1().items().stream().collect(
                    java.util.stream.Collectors.toMap(io.caresstream.events.benchmark.GoldCanaries.Item::response,
                            item -> io.caresstream.deploy.simulated.SimulatedLabel.valueOf(item.label().name()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(baseUrlKey, server.baseUrl());
    }

    public static SimulatedModelServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
