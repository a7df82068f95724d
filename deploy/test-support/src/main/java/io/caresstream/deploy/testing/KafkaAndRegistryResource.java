package io.caresstream.deploy.testing;

import io.caresstream.deploy.kafka.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource: points a service at the shared real broker and registry, and makes it trust the
 * tokens of {@link TestTokens}. Dev Services
 * (which need Docker) are switched off in each service's %test profile.
 */
public class KafkaAndRegistryResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.shared();
        Map<String, String> config = new java.util.HashMap<>(TestTokens.config());
        config.putAll(Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(),
                "quarkus.kafka-streams.bootstrap-servers", infra.bootstrapServers(),
                "cares.registry.url", infra.registryUrl(),
                // A free port chosen here, not 0: @TestHTTPResource(management = true) builds its address from it.
                "quarkus.management.test-port", String.valueOf(FreePorts.one())));
        return config;
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; stopped at JVM exit.
    }
}
