package io.caresstream.events.serde;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import org.apache.avro.generic.GenericContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's resolver (2.x) writes the record's schema out as JSON on every send, only to look it up in its
 * cache by that text: a tenth of the CPU of the services that produce events (JFR, end-to-end benchmark). Our
 * events carry their generated class's single schema instance, so the lookup is remembered per topic, key or
 * value, and schema instance, for as long as Apicurio's own cache keeps an entry
 * ({@code apicurio.registry.check-period-ms}), after which it is resolved (and registered) again as before.
 * <p>
 * Both what a send resolved and what a read resolved by global id are shared by every serde of the process that
 * talks to the same registry. Apicurio keeps them per serializer or deserializer, so a channel's first event
 * waited on the registry even when the service had registered or fetched that schema at start, and each
 * lookup sat on the consumer's or the producer's only thread (JFR of an import: 130 ms on each consumer, 170–280
 * ms on each producer, on the critical path of every stage). {@link SchemasAtStartup} fills and refreshes them.
 * <p>
 * Apicurio 2.6 registers a schema written out in full ({@code apicurio.registry.dereference-schema}, on by
 * default), but without auto-registration looks it up by content in its other form, nested records named only.
 * Our events nest records, so with auto-registration off every lookup missed ("No artifact with ID
 * 'cares.judgments-value'") although the registry held the schema. Apicurio is therefore asked to parse the
 * schema before it names the artifact; it then hands that parsed, registered form to its lookup as well.
 * Configure with {@code apicurio.registry.schema-resolver=io.caresstream.events.serde.SchemaInstanceResolver}.
 */
public class SchemaInstanceResolver<S, T> extends DefaultSchemaResolver<S, T> {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstanceResolver.class);

    /** A schema by identity: equal schemas from different places are still resolved once each. */
    private record Key(String registry, String topic, boolean isKey, Object schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.schema == schema && key.isKey == isKey && key.topic.equals(topic)
                    && key.registry.equals(registry);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * registry.hashCode() + topic.hashCode()) + System.identityHashCode(schema) + (isKey ? 1 : 0);
        }
    }

    /** A version read by its global id, in one registry and by one kind of parser. */
    private record ReadKey(String registry, Class<?> parser, long globalId) {
    }

    private record Resolved<S>(SchemaLookupResult<S> result, long until) {
        boolean current() {
            return System.currentTimeMillis() < until;
        }
    }

    private static final Map<Key, Resolved<?>> WRITTEN = new ConcurrentHashMap<>();
    private static final Map<ReadKey, Resolved<?>> READ = new ConcurrentHashMap<>();

    private String registry;
    private long periodMs;

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> schemaParser) {
        super.configure(configs, schemaParser);
        setArtifactResolverStrategy(artifactResolverStrategy);
        // Apicurio's own reading of apicurio.registry.check-period-ms: the same period, the same errors.
        periodMs = config.getCheckPeriod().toMillis();
        registry = String.valueOf(config.getRegistryUrl());
    }

    @Override
    public void setArtifactResolverStrategy(ArtifactReferenceResolverStrategy<S, T> naming) {
        super.setArtifactResolverStrategy(naming instanceof WithSchemaParsed ? naming : new WithSchemaParsed<>(naming));
    }

    /**
     * The configured naming strategy, asking Apicurio to parse a record's schema before naming its artifact: the
     * one switch that makes Apicurio pass the registered (written-out) form of the schema to its lookup by content.
     */
    private record WithSchemaParsed<S, T>(ArtifactReferenceResolverStrategy<S, T> naming)
            implements ArtifactReferenceResolverStrategy<S, T> {
        @Override
        public ArtifactReference artifactReference(Record<T> data, ParsedSchema<S> parsedSchema) {
            return naming.artifactReference(data, parsedSchema);
        }

        @Override
        public boolean loadSchema() {
            return true;
        }
    }

    /** Apicurio's check period: how long a resolution is used before the registry is asked again. */
    long periodMs() {
        return periodMs;
    }

    @Override
    public SchemaLookupResult<S> resolveSchema(Record<T> data) {
        if (!(data.payload() instanceof GenericContainer container)
                || !(data.metadata() instanceof KafkaSerdeMetadata metadata) || metadata.getTopic() == null) {
            return super.resolveSchema(data);
        }
        Key key = new Key(registry, metadata.getTopic(), metadata.isKey(), container.getSchema());
        Resolved<S> known = shared(WRITTEN.get(key));
        if (known != null && known.current()) {
            return known.result();
        }
        return resolveWritten(key, data, false);
    }

    /**
     * Resolves (and registers) the schema of the record again, whatever is remembered, and remembers it for a
     * period: a service keeps its written schemas current in the background this way, so a send never waits.
     */
    SchemaLookupResult<S> refresh(Record<T> data) {
        GenericContainer container = (GenericContainer) data.payload();
        KafkaSerdeMetadata metadata = (KafkaSerdeMetadata) data.metadata();
        return resolveWritten(new Key(registry, metadata.getTopic(), metadata.isKey(), container.getSchema()), data, true);
    }

    private SchemaLookupResult<S> resolveWritten(Key key, Record<T> data, boolean again) {
        // One resolution at a time in this process: two threads registering the same new schema at once make
        // the registry refuse one of them (a duplicate content row), which would fail that send for good.
        synchronized (WRITTEN) {
            Resolved<S> known = shared(WRITTEN.get(key));
            if (!again && known != null && known.current()) {
                return known.result();
            }
            SchemaLookupResult<S> result = resolveRetrying(data);
            WRITTEN.put(key, new Resolved<>(result, System.currentTimeMillis() + periodMs));
            return result;
        }
    }

    /**
     * A version named by its global id, as a deserializer asks for the schema an event was written with. What a
     * global id names never changes; it is still asked again after a period, as Apicurio does, in case the
     * registry lost its storage and gave the id to other content.
     */
    @Override
    protected SchemaLookupResult<S> resolveSchemaByGlobalId(long globalId) {
        ReadKey key = new ReadKey(registry, schemaParser.getClass(), globalId);
        Resolved<S> known = shared(READ.get(key));
        if (known != null && known.current()) {
            return known.result();
        }
        SchemaLookupResult<S> result = super.resolveSchemaByGlobalId(globalId);
        READ.put(key, new Resolved<>(result, System.currentTimeMillis() + periodMs));
        return result;
    }

    /**
     * Fetches the newest version of an artifact, and through it the schema by its global id, as a deserializer
     * will ask for it: a service reads its input topics' schemas before their first events arrive.
     */
    SchemaLookupResult<S> fetchLatest(String artifactId) {
        // Asked of the client itself: Apicurio's cache logs an error for every artifact not registered yet, which
        // here is no error (a model that has not answered yet).
        long globalId = client.getArtifactMetaData(null, artifactId).getGlobalId();
        SchemaLookupResult<S> latest = super.resolveSchemaByGlobalId(globalId);
        READ.put(new ReadKey(registry, schemaParser.getClass(), globalId),
                new Resolved<>(latest, System.currentTimeMillis() + periodMs));
        return latest;
    }

    @SuppressWarnings("unchecked")
    private static <S> Resolved<S> shared(Resolved<?> resolved) {
        return (Resolved<S>) resolved; // keyed by registry and parser: one kind of schema per key
    }

    /**
     * Another process registering the same schema at the same moment gets the same refusal, which Apicurio does
     * not retry: tried again with its own retry settings (apicurio.registry.retry-count, -backoff-ms), by which
     * time the schema is there and the registry returns it.
     */
    private SchemaLookupResult<S> resolveRetrying(Record<T> data) {
        long attempts = Math.max(1, config.getRetryCount());
        for (long attempt = 1; ; attempt++) {
            try {
                return super.resolveSchema(data);
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                // In place of Apicurio's cache's error, which prints the whole schema (its logger is off in
                // every service): one line, and the refusal was no failure unless the last attempt fails too.
                LOG.warn("schema of {} not resolved on attempt {} of {} ({}); trying again in {} ms",
                        data.metadata() instanceof KafkaSerdeMetadata kafka
                                ? kafka.getTopic() + (kafka.isKey() ? " (key)" : "") : "a record",
                        attempt, attempts, firstLine(e), config.getRetryBackoff().toMillis());
                try {
                    Thread.sleep(config.getRetryBackoff().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The exception's class and the first line of its message, cut short: registry errors carry whole SQL. */
    private static String firstLine(RuntimeException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + ": " + (message.length() > 160 ? message.substring(0, 160) + "…" : message);
    }

    @Override
    public void reset() {
        WRITTEN.keySet().removeIf(key -> key.registry().equals(registry));
        READ.keySet().removeIf(key -> key.registry().equals(registry));
        super.reset();
    }
}
