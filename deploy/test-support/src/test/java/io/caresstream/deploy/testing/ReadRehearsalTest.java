package io.caresstream.deploy.testing;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.serde.EventSerdes;
import io.caresstream.events.topics.Topics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/** The start's read rehearsal against a real registry, as a service that reads but never writes the topic runs it. */
class ReadRehearsalTest {

    private final String registryUrl = TestInfrastructure.shared().registryUrl();

    @Test
    void aReaderRehearsesOnTheRegistrysVersionOfTheSchemaWithoutRegisteringOne() {
        // The topic's writer registered the schema; the reader's own settings may forbid registering.
        EventSerdes.register(EventSerdes.config(registryUrl, true, ClientSecurity.none()), Topics.RESPONSES);
        assertDoesNotThrow(() -> EventSerdes.rehearseRead(EventSerdes.config(registryUrl, false, ClientSecurity.none()),
                Topics.RESPONSES, 3));
    }
}
