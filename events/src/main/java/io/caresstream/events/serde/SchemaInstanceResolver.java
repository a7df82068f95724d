package io.caresstream.events.serde;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import org.apache.avro.generic.GenericContainer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's resolver (2.x) writes the record's schema out as JSON on every send, only to look it up in its
 * cache by that text: a tenth of the CPU of the services that produce events (JFR, end-to-end benchmark). Our
 * events carry their generated class's single schema instance, so the lookup is remembered per topic, key or
 * value, and schema instance, for as long as Apicurio's own cache keeps an entry
 * ({@code apicurio.registry.check-period-ms}), after which it is resolved (and registered) again as before.
 * Configure with {@code apicurio.registry.schema-resolver=io.caresstream.events.serde.SchemaInstanceResolver}.
 */
public class SchemaInstanceResolver<S, T> extends DefaultSchemaResolver<S, T> {

    /** A schema by identity: equal schemas from different places are still resolved once each. */
    private record Key(String topic, boolean isKey, Object schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.schema == schema && key.isKey == isKey && key.topic.equals(topic);
        }

        @Override
        public int hashCode() {
            return 31 * topic.hashCode() + System.identityHashCode(schema) + (isKey ? 1 : 0);
        }
    }

    private record Resolved<S>(SchemaLookupResult<S> result, long until) {
    }

    private final Map<Key, Resolved<S>> resolved = new ConcurrentHashMap<>();
    private long periodMs;

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> schemaParser) {
        super.configure(configs, schemaParser);
        // Apicurio's own reading of apicurio.registry.check-period-ms: the same period, the same errors.
        periodMs = config.getCheckPeriod().toMillis();
    }

    @Override
    public SchemaLookupResult<S> resolveSchema(Record<T> data) {
        if (!(data.payload() instanceof GenericContainer container)
                || !(data.metadata() instanceof KafkaSerdeMetadata metadata) || metadata.getTopic() == null) {
            return super.resolveSchema(data);
        }
        Key key = new Key(metadata.getTopic(), metadata.isKey(), container.getSchema());
        Resolved<S> known = resolved.get(key);
        if (known != null && System.currentTimeMillis() < known.until()) {
            return known.result();
        }
        // One resolution at a time in this process: two threads registering the same new schema at once make
        // the registry refuse one of them (a duplicate content row), which would fail that send for good.
        synchronized (this) {
            known = resolved.get(key);
            if (known != null && System.currentTimeMillis() < known.until()) {
                return known.result();
            }
            SchemaLookupResult<S> result = resolveRetrying(data);
            resolved.put(key, new Resolved<>(result, System.currentTimeMillis() + periodMs));
            return result;
        }
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
                try {
                    Thread.sleep(config.getRetryBackoff().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void reset() {
        resolved.clear();
        super.reset();
    }
}
