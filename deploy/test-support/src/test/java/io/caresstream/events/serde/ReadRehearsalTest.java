package io.caresstream.events.serde;

import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/** The start's read rehearsal against a real registry, as a service that reads but never writes the topic runs it. */
class ReadRehearsalTest {

    private final String registryUrl = TestInfrastructure.shared().registryUrl();

    @Test
    void aReaderRehearsesOnTheRegistrysVersionOfTheSchemaWithoutRegisteringOne() {
        // The topic's writer registered the schema; the reader's own settings may forbid registering.
        EventSerdes.register(EventSerdes.config(registryUrl, true, ClientSecurity.none()), Topics.RESPONSES);
        // As SchemasAtStartup does: a fresh resolver fetches the newest version, the rehearsal writes and reads with it.
        Map<String, Object> reader = EventSerdes.config(registryUrl, false, ClientSecurity.none());
        var newest = SchemasAtStartup.resolver(reader).fetchLatest(Topics.RESPONSES + "-value");
        assertDoesNotThrow(() -> EventSerdes.rehearseRead(reader, Topics.RESPONSES, newest, 3));
    }
}
