package io.caresstream.events.serde;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.rest.v2.beans.ArtifactMetaData;
import io.apicurio.registry.serde.DefaultIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.types.ArtifactType;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services that may not register schemas (CARES_REGISTRY_AUTO_REGISTER=false, README "The schema registry"), on a
 * real registry: they write with the version registered at deployment. Each test names topics of its own, so that
 * nothing this process resolved before answers in the registry's place.
 */
class RegistrationAtDeploymentTest {

    private final String registryUrl = TestInfrastructure.shared().registryUrl();
    private final RegistryClient registry = RegistryClientFactory.create(registryUrl);

    @Test
    void aServiceThatMayNotRegisterWritesWithTheVersionRegisteredAtDeployment() {
        for (String eventTopic : List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES)) {
            String topic = eventTopic + "-" + UUID.randomUUID();
            Schema schema = EventSerdes.valueSchema(eventTopic);
            // As an operator registers it through the registry's API: formatted as a file would be.
            ArtifactMetaData registered = registry.createArtifact(null, topic + "-value", ArtifactType.AVRO,
                    new ByteArrayInputStream(schema.toString(true).getBytes(StandardCharsets.UTF_8)));

            byte[] written = write(topic, EventSerdes.sample(schema));

            assertEquals(registered.getGlobalId(), new DefaultIdHandler().readId(ByteBuffer.wrap(written, 1, written.length - 1))
                    .getGlobalId(), "the event of " + eventTopic + " names the version registered at deployment");
            assertEquals(1, registry.listArtifactVersions(null, topic + "-value", 0, 10).getCount(),
                    "no version registered by the service");
        }
    }

    @Test
    void aSchemaNobodyRegisteredIsRefusedNamingItsArtifact() {
        String topic = Topics.JUDGMENTS + "-" + UUID.randomUUID();
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> write(topic, EventSerdes.sample(EventSerdes.valueSchema(Topics.JUDGMENTS))));
        assertTrue(refused.getMessage().contains(topic + "-value"), refused.getMessage());
        assertEquals(0, registry.searchArtifacts(null, topic + "-value", null, null, null, null, null, 0, 10).getCount(),
                "nothing registered");
    }

    /** One event through a serializer with the services' settings and registration off, a few attempts only. */
    private byte[] write(String topic, Object event) {
        Map<String, Object> config = new HashMap<>(EventSerdes.config(registryUrl, false, ClientSecurity.none()));
        config.put(SerdeConfig.RETRY_COUNT, 1);
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            return serializer.serialize(topic, event); // without headers: the id leads the bytes
        }
    }
}
