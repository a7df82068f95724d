package io.caresstream.deploy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource: points a service at the shared real broker and registry. Dev Services
 * (which need Docker) are switched off in each service's %test profile.
 */
public class KafkaAndRegistryResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.shared();
        return Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(),
                "quarkus.kafka-streams.bootstrap-servers", infra.bootstrapServers(),
                "cares.registry.url", infra.registryUrl());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; stopped at JVM exit.
    }
}
