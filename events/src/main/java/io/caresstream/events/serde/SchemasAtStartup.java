package io.caresstream.events.serde;

import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import io.apicurio.registry.serde.data.KafkaSerdeRecord;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import io.caresstream.events.security.ClientSecurity;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every service that writes events names their topics ({@code cares.schemas.written}) and registers their schemas
 * when it starts, before its first event: a schema the registry refuses (an incompatible change) is reported at
 * start rather than at the first send. A registry that cannot be reached is reported and the service starts
 * anyway: its first send resolves the schema as before.
 * <p>
 * The schemas a service reads ({@code cares.schemas.read}) are fetched too, and both are kept current in the
 * background, a little before {@link SchemaInstanceResolver}'s period runs out, so neither a channel's first event
 * nor any later one waits on the registry on a consumer's or a producer's thread. A read schema that is not
 * registered yet (a stack whose models have not answered yet) is looked for every second in the first ten
 * minutes, then every half period.
 * <p>
 * Readiness: a service is not ready while a schema it writes has not been resolved since it started, and says
 * which and why. Above all a service that may not register ({@code cares.registry.auto-register=false}) whose
 * schema nobody registered at deployment: it would run, and fail every send. Such a schema is looked for every
 * second until it is there.
 */
@Readiness
@ApplicationScoped
public class SchemasAtStartup implements HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SchemasAtStartup.class);
    private static final long MISSING_RETRY_MS = 1_000;
    /** How long a schema not registered yet is looked for every second; after that, every half period. */
    private static final long EAGER_MS = 10 * 60_000;
    /** Reads rehearsed per read topic once its schema is found: enough for the reading code's first compilation. */
    static final int READ_REHEARSALS = 500;

    @ConfigProperty(name = "cares.schemas.written")
    Optional<List<String>> topics;

    @ConfigProperty(name = "cares.schemas.read")
    Optional<List<String>> readTopics;

    @ConfigProperty(name = "cares.registry.url")
    Optional<String> registryUrl;

    @ConfigProperty(name = "cares.registry.auto-register", defaultValue = "true")
    boolean autoRegister;

    @Inject
    ClientSecurity security;

    private ScheduledExecutorService keeper;
    private final Map<String, Long> nextRefresh = new ConcurrentHashMap<>();
    private final Map<String, Long> readVersions = new ConcurrentHashMap<>();
    private final long startedAt = System.currentTimeMillis();
    /** Written topics whose schema this service has not resolved since it started, with what it takes. */
    private final Map<String, String> unresolved = new ConcurrentSkipListMap<>();

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (registryUrl.isEmpty() || (topics.isEmpty() && readTopics.isEmpty())) {
            return;
        }
        check("cares.schemas.written", topics);
        check("cares.schemas.read", readTopics);
        var config = new HashMap<>(EventSerdes.config(registryUrl.get(), autoRegister, security));
        // A few attempts, not the channels' 5 s: a registry that is down must not hold the start up, and the first
        // send tries again. Services registering their first schemas at once can be refused for a while: the
        // registry's in-memory storage races on its first content id and times out on table locks, which on a
        // loaded 2-core machine outlasted three attempts 500 ms apart (EndToEndTest, CI).
        config.put(SerdeConfig.RETRY_COUNT, 6);
        for (String topic : topics.orElse(List.of())) {
            long begun = System.nanoTime();
            try {
                // Through a serializer, as a send would: its code is loaded too, and the resolution is shared.
                EventSerdes.register(config, topic);
                LOG.info("schema of {} {} in {} ms", topic, autoRegister ? "registered" : "found",
                        (System.nanoTime() - begun) / 1_000_000);
            } catch (RuntimeException e) {
                unresolved.put(topic, autoRegister
                        ? "not registered yet: the registry unreachable, or the schema refused (see the log)"
                        : "no " + topic + "-value in the registry, and this service may not register it: register it"
                        + " at deployment (README, \"The schema registry\")");
                LOG.warn("schema of {} {}; not ready until it is, looked for every second: {}", topic,
                        autoRegister ? "not registered at start" : "not found in the registry", e.getMessage());
            }
        }
        // In the background, one attempt each: a send or a read that finds nothing current asks the registry itself.
        config.put(SerdeConfig.RETRY_COUNT, 1);
        SchemaInstanceResolver<Schema, Object> background = resolver(config);
        long period = background.periodMs();
        topics.orElse(List.of()).forEach(topic -> nextRefresh.put("write " + topic,
                unresolved.containsKey(topic) ? 0L : System.currentTimeMillis() + period / 2));
        readTopics.orElse(List.of()).forEach(topic -> nextRefresh.put("read " + topic, 0L));
        keeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "schema-keeper");
            thread.setDaemon(true);
            return thread;
        });
        keeper.scheduleWithFixedDelay(() -> keepCurrent(background, period, config), 0, MISSING_RETRY_MS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A misspelt topic stops the start, naming the setting: it would otherwise be looked for in the registry,
     * and missed, for as long as the service runs.
     */
    static void check(String setting, Optional<List<String>> configured) {
        for (String topic : configured.orElse(List.of())) {
            try {
                EventSerdes.valueSchema(topic);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(setting + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Refreshes each schema whose time has come; one not found yet is tried again a second later. A read schema
     * found for the first time is read a few hundred times ({@link EventSerdes#rehearseRead}), on this thread, so
     * that the channel's consumer does not do it first with its first records.
     */
    private void keepCurrent(SchemaInstanceResolver<Schema, Object> resolver, long periodMs, Map<String, Object> config) {
        nextRefresh.forEach((entry, due) -> {
            if (System.currentTimeMillis() < due) {
                return;
            }
            String topic = entry.substring(entry.indexOf(' ') + 1);
            try {
                if (entry.startsWith("write ")) {
                    write(resolver, topic);
                    if (unresolved.remove(topic) != null) {
                        LOG.info("schema of {} {}: ready to write", topic, autoRegister ? "registered" : "found");
                    }
                } else {
                    SchemaLookupResult<Schema> newest = resolver.fetchLatest(topic + "-value");
                    long version = newest.getGlobalId();
                    Long before = readVersions.put(topic, version);
                    if (!Long.valueOf(version).equals(before)) {
                        LOG.info("schema of {} fetched: newest version is global id {}", topic, version);
                    }
                    if (before == null) {
                        rehearseRead(config, topic, newest);
                    }
                }
                nextRefresh.put(entry, System.currentTimeMillis() + periodMs / 2);
            } catch (RuntimeException e) {
                // A read schema not registered yet, or the registry away for a moment: the events themselves will
                // ask. A written schema resolved before is still in the serdes' hands: no hurry. One never
                // resolved keeps the service from being ready: asked for every second.
                long now = System.currentTimeMillis();
                boolean eager = entry.startsWith("read ") ? now - startedAt < EAGER_MS : unresolved.containsKey(topic);
                nextRefresh.put(entry, now + (eager ? MISSING_RETRY_MS : periodMs / 2));
            }
        });
    }

    private static void rehearseRead(Map<String, Object> config, String topic, SchemaLookupResult<Schema> newest) {
        long begun = System.nanoTime();
        try {
            EventSerdes.rehearseRead(config, topic, newest, READ_REHEARSALS);
            LOG.info("{} reads of {} rehearsed in {} ms", READ_REHEARSALS, topic, (System.nanoTime() - begun) / 1_000_000);
        } catch (RuntimeException e) {
            // Only a head start: a topic whose newest schema is a newer writer's is read as it comes.
            LOG.info("reads of {} not rehearsed ({}); the first records may be slower", topic, e.getMessage());
        }
    }

    private static void write(SchemaInstanceResolver<Schema, Object> resolver, String topic) {
        Schema schema = EventSerdes.valueSchema(topic);
        resolver.refresh(new KafkaSerdeRecord<>(new KafkaSerdeMetadata(topic, false, new RecordHeaders()),
                EventSerdes.placeholder(schema)));
    }

    /** A resolver as the channels' Avro serdes configure theirs: artifacts named after the topic. */
    static SchemaInstanceResolver<Schema, Object> resolver(Map<String, Object> config) {
        SchemaInstanceResolver<Schema, Object> resolver = new SchemaInstanceResolver<>();
        resolver.configure(config, new AvroSchemaParser<>(new CaresAvroDatumProvider<>()));
        resolver.setArtifactResolverStrategy(new TopicIdStrategy<>());
        return resolver;
    }

    /** Ready unless a written schema has not been resolved since the start; the data name each and why. */
    @Override
    public HealthCheckResponse call() {
        Map<String, String> missing = unresolved();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("cares-schemas").status(missing.isEmpty());
        missing.forEach(response::withData);
        return response.build();
    }

    /** The written topics whose schema has not been resolved since the start, each with what it takes. */
    Map<String, String> unresolved() {
        return Map.copyOf(unresolved);
    }

    @PreDestroy
    void stop() {
        if (keeper != null) {
            keeper.shutdownNow();
        }
    }
}
