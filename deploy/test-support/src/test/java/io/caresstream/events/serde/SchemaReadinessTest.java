package io.caresstream.events.serde;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.types.ArtifactType;
import io.caresstream.deploy.testing.LocalRegistry;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service that may not register schemas (README, "The schema registry") is not ready while a schema it writes
 * is missing from the registry, and becomes ready once an operator registers it. On a registry of its own, so that
 * no other test has registered the schema before.
 */
class SchemaReadinessTest {

    @Test
    void aServiceThatMayNotRegisterIsNotReadyUntilItsWrittenSchemaIsRegistered(@TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(TestInfrastructure.projectRoot(), 0, dir.resolve("registry.log"))) {
            SchemasAtStartup schemas = new SchemasAtStartup();
            schemas.topics = Optional.of(List.of(Topics.JUDGMENTS));
            schemas.readTopics = Optional.empty();
            schemas.registryUrl = Optional.of(registry.apiUrl());
            schemas.autoRegister = false;
            schemas.security = ClientSecurity.none();
            try {
                schemas.register(new Object());

                // What readiness reports (its check, cares-schemas, is down while any is missing).
                Map<String, String> missing = schemas.unresolved();
                assertEquals(Set.of(Topics.JUDGMENTS), missing.keySet(), missing.toString());
                String why = missing.get(Topics.JUDGMENTS);
                assertTrue(why.contains(Topics.JUDGMENTS + "-value") && why.contains("register it at deployment"), why);

                RegistryClient client = RegistryClientFactory.create(registry.apiUrl());
                client.createArtifact(null, Topics.JUDGMENTS + "-value", ArtifactType.AVRO, new ByteArrayInputStream(
                        EventSerdes.valueSchema(Topics.JUDGMENTS).toString(true).getBytes(StandardCharsets.UTF_8)));

                // Looked for every second, not at the half period (15 s) at which found schemas are refreshed.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!schemas.unresolved().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(Map.of(), schemas.unresolved(), "ready once it is registered");
                assertEquals(1, client.listArtifactVersions(null, Topics.JUDGMENTS + "-value", 0, 10).getCount(),
                        "found, not registered by the service");
            } finally {
                schemas.stop();
            }
        }
    }
}
