package io.caresstream.deploy.testing;

import io.apicurio.registry.rest.client.exception.RuleViolationException;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's BACKWARD rule, through the same serde the services use, on a real broker and registry. */
class SchemaCompatibilityTest {

    private static final String TOPIC = "compatibility-check";

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    SchemaCompatibilityTest() {
        TestInfrastructure.shared().ensureTopics(java.util.List.of(TOPIC));
    }

    /** The prompt schema under the same name, with one more field (and a default when given). */
    private static Schema promptSchemaWith(String field, Object defaultValue) {
        Schema current = PromptEvent.getClassSchema();
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(current.getName())
                .namespace(current.getNamespace()).fields();
        for (Schema.Field f : current.getFields()) {
            fields = fields.name(f.name()).type(f.schema()).noDefault();
        }
        SchemaBuilder.FieldTypeBuilder<Schema> added = fields.name(field).type();
        return defaultValue == null ? added.stringType().noDefault().endRecord()
                : added.stringType().stringDefault((String) defaultValue).endRecord();
    }

    /** The prompt as a generic record of the given schema: encoded as today, read back with the new schema. */
    private static GenericRecord copyWith(PromptEvent prompt, Schema schema, String field, String value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<PromptEvent>(PromptEvent.class).write(prompt, encoder);
            encoder.flush();
            Schema readable = promptSchemaWith(field, "default");
            GenericRecord read = new GenericDatumReader<GenericRecord>(PromptEvent.getClassSchema(), readable)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
            GenericRecord record = new GenericData.Record(schema);
            for (Schema.Field f : schema.getFields()) {
                record.put(f.name(), read.get(f.name()));
            }
            record.put(field, value);
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBreakingChangeFailsLoudlyAndACompatibleOneIsAccepted() {
        PromptEvent prompt = SampleEvents.prompt("p-compat", "compat", HarmLevel.HARMLESS, Method.DIRECT, "hello");
        topics.produce(TOPIC, Map.of("p-compat", prompt));

        // A new field without a default: consumers on the new schema could not read the old events.
        Schema breaking = promptSchemaWith("requiredNewField", null);
        RuleViolationException failure = assertThrows(RuleViolationException.class,
                () -> topics.produce(TOPIC, Map.of("p-compat", copyWith(prompt, breaking, "requiredNewField", "x"))));
        assertTrue(String.valueOf(failure.getMessage()).toLowerCase().contains("compatib"), failure.getMessage());

        // The same field with a default is a compatible evolution.
        Schema compatible = promptSchemaWith("optionalNewField", "none");
        topics.produce(TOPIC, Map.of("p-compat-2", copyWith(prompt, compatible, "optionalNewField", "y")));
        // Today's consumers read both the original and the evolved event (the extra field is ignored).
        assertEquals(2, topics.read(TOPIC, PromptEvent.class, p -> p.getPromptId().equals("p-compat"), 2,
                Duration.ofSeconds(15)).size());
    }
}
