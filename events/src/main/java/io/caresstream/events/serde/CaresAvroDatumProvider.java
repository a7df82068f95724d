package io.caresstream.events.serde;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads our events as their generated classes, looked up through the class loader that holds these
 * contracts. Avro's shared SpecificData resolves classes through whichever loader it met first, which
 * inside a Quarkus test (several loaders on one JVM) is the wrong one. Configure it with
 * {@code apicurio.registry.avro-datum-provider=io.caresstream.events.serde.CaresAvroDatumProvider}.
 * <p>
 * Apicurio asks for a reader on every record; resolving the writer's schema against ours is far dearer than
 * reading, so one reader per writer schema is kept (readers hold no state between reads, as Confluent's
 * deserializer also relies on).
 */
public class CaresAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    private static final SpecificData CONTRACTS = new SpecificData(CaresAvroDatumProvider.class.getClassLoader());

    /**
     * By writer schema (by value: the registry's cache may parse a version again, never a new version twice), and
     * shared by every deserializer of the process: the reader the start's rehearsal built
     * ({@link EventSerdes#rehearseRead}) is the one the channel's first record meets.
     */
    private static final Map<Schema, DatumReader<?>> READERS = new ConcurrentHashMap<>();

    /** The last schema asked for and its reader: a topic's records nearly all share one schema instance. */
    private volatile Last<T> last;

    private record Last<T>(Schema schema, DatumReader<T> reader) {
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writerSchema) {
        Last<T> known = last;
        if (known != null && known.schema() == writerSchema) {
            return known.reader(); // comparing schemas by value costs more than this whole lookup
        }
        @SuppressWarnings("unchecked")
        DatumReader<T> reader = (DatumReader<T>) READERS.computeIfAbsent(writerSchema, CaresAvroDatumProvider::newReader);
        last = new Last<>(writerSchema, reader);
        return reader;
    }

    private static DatumReader<?> newReader(Schema writerSchema) {
        Class<?> type = CONTRACTS.getClass(writerSchema);
        if (type == null || type == Object.class) {
            return new GenericDatumReader<>(writerSchema);
        }
        // Read with our own version of the schema: fields added later get their defaults.
        return new SpecificDatumReader<>(writerSchema, CONTRACTS.getSchema(type), CONTRACTS);
    }
}
