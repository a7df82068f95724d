package io.caresstream.events.serde;

import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSerdesTest {

    @Test
    void thePlaceholderAndTheSampleOfEveryEventTopicAreEventsThatWriteAndReadBack() throws IOException {
        Map<String, Class<?>> events = Map.of(Topics.PROMPTS, PromptEvent.class, Topics.RESPONSES, ResponseEvent.class,
                Topics.JUDGMENTS, JudgmentEvent.class, Topics.SCORES, ScoreEvent.class);
        for (var topic : events.entrySet()) {
            Schema schema = EventSerdes.valueSchema(topic.getKey());
            assertWritesAndReadsBack(topic.getValue(), schema, EventSerdes.placeholder(schema), topic.getKey());
            assertWritesAndReadsBack(topic.getValue(), schema, EventSerdes.sample(schema), topic.getKey());
        }
    }

    /** The sample the start's read rehearsal reads takes every path a real event can: its optional parts are set. */
    @Test
    void theSampleOfAnEventSetsItsOptionalParts() {
        ResponseEvent response = (ResponseEvent) EventSerdes.sample(ResponseEvent.getClassSchema());
        assertNotNull(response.getUsage());
        assertNotNull(response.getGuard());
        assertNotNull(response.getMetadata());
        ResponseEvent placeholder = (ResponseEvent) EventSerdes.placeholder(ResponseEvent.getClassSchema());
        assertNull(placeholder.getGuard(), "the placeholder leaves optional parts at their defaults");
    }

    private static void assertWritesAndReadsBack(Class<?> type, Schema schema, Object placeholder, String topic)
            throws IOException {
        assertInstanceOf(type, placeholder, topic);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(schema).write(placeholder, encoder);
        encoder.flush();
        Object read = new SpecificDatumReader<>(schema).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertEquals(placeholder, read, topic);
    }

    @Test
    void aTopicWithoutEventsIsRefusedByName() {
        var refused = assertThrows(IllegalArgumentException.class, () -> EventSerdes.valueSchema("cares.prompts.dlq.model-invoker"));
        assertTrue(refused.getMessage().contains("cares.prompts.dlq.model-invoker"), refused.getMessage());
    }

    @Test
    void aMisspeltSchemaTopicStopsTheStartNamingTheSetting() {
        SchemasAtStartup.check("cares.schemas.read", Optional.of(List.of(Topics.PROMPTS, Topics.RESPONSES)));
        var refused = assertThrows(IllegalStateException.class, () -> SchemasAtStartup.check("cares.schemas.read",
                Optional.of(List.of(Topics.PROMPTS, "cares.respones"))));
        assertTrue(refused.getMessage().startsWith("cares.schemas.read: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("cares.respones"), refused.getMessage());
    }
}
