package io.caresstream.events.serde;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.serde.AbstractKafkaSerDe;
import io.apicurio.registry.serde.DefaultIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Apicurio serde settings of every CARES event, and the registration of a service's output schemas when it
 * starts, so that the first event of a plugged-in service does not wait for the registry (the first registration
 * of a schema cost 1–3 s on the critical path of an import: docs/performance.md).
 */
public final class EventSerdes {

    private EventSerdes() {
    }

    /** The settings of an Avro serializer or deserializer of CARES events, as the services' channels have them. */
    public static Map<String, Object> config(String registryUrl, boolean autoRegister, ClientSecurity security) {
        Map<String, Object> config = new HashMap<>(security.registry());
        config.putAll(Map.of(
                SerdeConfig.REGISTRY_URL, registryUrl,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, autoRegister,
                AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, CaresAvroDatumProvider.class.getName(),
                SerdeConfig.SCHEMA_RESOLVER, SchemaInstanceResolver.class.getName(),
                // A registry busy for a moment is retried for about 5 s.
                SerdeConfig.RETRY_COUNT, 10, SerdeConfig.RETRY_BACKOFF_MS, 500));
        return config;
    }

    /** The schema of the events on one of the event topics. */
    public static Schema valueSchema(String topic) {
        return switch (topic) {
            case Topics.PROMPTS -> PromptEvent.getClassSchema();
            case Topics.RESPONSES -> ResponseEvent.getClassSchema();
            case Topics.JUDGMENTS -> JudgmentEvent.getClassSchema();
            case Topics.SCORES -> ScoreEvent.getClassSchema();
            case Topics.HUMAN_LABELS -> io.caresstream.events.HumanLabelEvent.getClassSchema();
            default -> throw new IllegalArgumentException("no event schema is written to topic " + topic
                    + " (one of " + List.of(Topics.PROMPTS, Topics.RESPONSES, Topics.JUDGMENTS, Topics.SCORES,
                    Topics.HUMAN_LABELS) + ")");
        };
    }

    /**
     * Serializes a placeholder event for the topic, as a send would, and throws it away: the schema is registered
     * (or, without auto-registration, found) and the serializer's code is loaded. Throws what the send would.
     */
    public static void register(Map<String, Object> config, String topic) {
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            serializer.serialize(topic, new RecordHeaders(), placeholder(valueSchema(topic)));
        }
    }

    /**
     * Reads an event of the topic {@code reads} times as a consumer's channel reads its records, and throws it away:
     * a sample event, written with the registry's newest version of the topic's schema ({@code newest}, as the
     * service fetched it) as a producer would write
     * it (that version's id, then the event), read back by a deserializer with the channels' settings. A plugged-in
     * worker's first records then meet the deserializer's code loaded and compiled and the schema's reader built
     * (readers are shared: {@link CaresAvroDatumProvider}), not half a second of that on two busy cores
     * (docs/performance.md).
     *
     * @throws IllegalStateException when the registry's newest version is not this build's schema (it is read as
     *                               it comes); otherwise what a read would throw
     */
    static void rehearseRead(Map<String, Object> config, String topic, SchemaLookupResult<Schema> newest, int reads) {
        Schema ours = valueSchema(topic);
        if (!ours.equals(newest.getParsedSchema().getParsedSchema())) {
            throw new IllegalStateException("the registry's newest schema of " + topic + " (global id "
                    + newest.getGlobalId() + ") is not this build's");
        }
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        try {
            record.write(AbstractKafkaSerDe.MAGIC_BYTE);
            DefaultIdHandler ids = new DefaultIdHandler();
            ids.configure(config, false);
            ids.writeId(newest.toArtifactReference(), record);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(record, null);
            new SpecificDatumWriter<>(ours).write(sample(ours), encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory stream
        }
        byte[] bytes = record.toByteArray();
        try (AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(config, false);
            for (int i = 0; i < reads; i++) {
                deserializer.deserialize(topic, new RecordHeaders(), bytes);
            }
        }
    }

    /** An instance of the schema's generated class with every field at its default or its type's zero value. */
    static Object placeholder(Schema schema) {
        return instance(schema, false);
    }

    /**
     * An instance of the schema's generated class with every field set, optional ones and nested records included,
     * so that reading it takes every path a real event can.
     */
    static Object sample(Schema schema) {
        return instance(schema, true);
    }

    /**
     * Finds the generated classes through this module's class loader, not the thread's: in Quarkus' test mode the
     * thread that starts a service has another one, whose copies of the classes Avro's own cannot use (a service's
     * start failed to register the responses' schema there). The logical types as the generated classes convert them.
     */
    private static final SpecificData MODEL = generatedClassesModel();

    private static SpecificData generatedClassesModel() {
        SpecificData model = new SpecificData(EventSerdes.class.getClassLoader());
        for (Class<?> event : List.of(PromptEvent.class, ResponseEvent.class, JudgmentEvent.class, ScoreEvent.class,
                io.caresstream.events.HumanLabelEvent.class)) {
            SpecificData.getForClass(event).getConversions().forEach(model::addLogicalTypeConversion);
        }
        return model;
    }

    private static Object instance(Schema schema, boolean everyField) {
        SpecificData model = MODEL;
        if (schema.getLogicalType() != null) {
            Conversion<?> conversion = model.getConversionFor(schema.getLogicalType());
            if (conversion != null && schema.getType() == Schema.Type.LONG) {
                return conversion.fromLong(0L, schema, schema.getLogicalType());
            }
        }
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), field.hasDefaultValue() && !everyField ? model.getDefaultValue(field)
                            : instance(field.schema(), everyField));
                }
                yield record;
            }
            case UNION -> instance(schema.getTypes().stream()
                    .filter(type -> !everyField || type.getType() != Schema.Type.NULL)
                    .findFirst().orElse(schema.getTypes().get(0)), everyField);
            case ENUM -> model.createEnum(schema.getEnumSymbols().get(0), schema);
            case ARRAY -> everyField ? List.of(instance(schema.getElementType(), true)) : List.of();
            case MAP -> everyField ? Map.of("key", instance(schema.getValueType(), true)) : Map.of();
            case STRING -> "";
            case BYTES -> ByteBuffer.allocate(0);
            case FIXED -> model.createFixed(null, new byte[schema.getFixedSize()], schema);
            case INT -> 0;
            case LONG -> 0L;
            case FLOAT -> 0f;
            case DOUBLE -> 0d;
            case BOOLEAN -> false;
            case NULL -> null;
        };
    }
}
