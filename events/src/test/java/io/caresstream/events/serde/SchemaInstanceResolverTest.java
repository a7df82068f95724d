package io.caresstream.events.serde;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaResolverConfig;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.v2.beans.ArtifactMetaData;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroSchemaParser;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import io.apicurio.registry.serde.data.KafkaSerdeRecord;
import io.apicurio.registry.serde.strategy.TopicIdStrategy;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import io.caresstream.events.LabelCount;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SchemaInstanceResolverTest {

    /** Registrations the resolver asked the registry for; each answers with the next global id. */
    private final AtomicInteger registrations = new AtomicInteger();
    /** Registrations still to refuse, as the registry refuses a duplicate insert of the same content. */
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile long registrationDelayMs;
    /** Reads of a version's content by its global id. */
    private final AtomicInteger contentReads = new AtomicInteger();
    /** Resolutions are shared per registry within the process: each test talks to a registry of its own. */
    private final String registryUrl = "http://127.0.0.1:1/" + java.util.UUID.randomUUID() + "/apis/registry/v2";

    @Test
    void resolvesASchemaOnceWithinThePeriod() {
        SchemaInstanceResolver<Schema, Object> resolver = configured(new SchemaInstanceResolver<>(), 60_000);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, resolver.resolveSchema(record("cares.scores", false, i)).getGlobalId());
        }
        assertEquals(1, registrations.get(), "one registration for 100 records of one schema on one topic");
    }

    @Test
    void answersAsApicuriosOwnResolverDoes() {
        SchemaInstanceResolver<Schema, Object> cached = configured(new SchemaInstanceResolver<>(), 60_000);
        DefaultSchemaResolver<Schema, Object> plain = configured(new DefaultSchemaResolver<>(), 60_000);
        for (var record : java.util.List.of(record("cares.scores", false, 1), record("cares.other", false, 2),
                record("cares.scores", true, 3), record("cares.scores", false, 4))) {
            SchemaLookupResult<Schema> expected = plain.resolveSchema(record);
            SchemaLookupResult<Schema> actual = cached.resolveSchema(record);
            assertEquals(expected.getArtifactId(), actual.getArtifactId(), "artifact of " + record.metadata().getTopic());
            assertEquals(expected.getParsedSchema().getParsedSchema(), actual.getParsedSchema().getParsedSchema());
        }
    }

    @Test
    void resolvesAgainOnceTheCheckPeriodIsOver() throws InterruptedException {
        SchemaInstanceResolver<Schema, Object> resolver = configured(new SchemaInstanceResolver<>(), 50);
        resolver.resolveSchema(record("cares.scores", false, 1));
        Thread.sleep(120);
        SchemaLookupResult<Schema> again = resolver.resolveSchema(record("cares.scores", false, 2));
        assertEquals(2, registrations.get(), "after the period the registry is asked again, as Apicurio's own cache does");
        assertEquals(2, again.getGlobalId());
    }

    @Test
    void aRegistrationRefusedForAMomentIsTriedAgain() {
        refusals.set(2); // as when another process registered the same schema a moment before
        SchemaInstanceResolver<Schema, Object> resolver = configured(new SchemaInstanceResolver<>(), 60_000);
        assertEquals(1, resolver.resolveSchema(record("cares.scores", false, 1)).getGlobalId());
        assertEquals(0, refusals.get(), "both refusals were met, then the registration went through");
    }

    @Test
    void threadsMeetingANewSchemaTogetherRegisterItOnce() throws Exception {
        SchemaInstanceResolver<Schema, Object> resolver = configured(new SchemaInstanceResolver<>(), 60_000);
        registrationDelayMs = 100; // long enough for every thread to arrive while the first registers
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var results = threads.invokeAll(java.util.Collections.nCopies(8,
                    () -> resolver.resolveSchema(record("cares.scores", false, 1)).getGlobalId()));
            for (var result : results) {
                assertEquals(1L, result.get());
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, registrations.get());
    }

    @Test
    void serializersOfOneProcessShareAResolution() {
        // As the service's registration at start and its channel's serializer: two instances, one registration.
        SchemaInstanceResolver<Schema, Object> atStart = configured(new SchemaInstanceResolver<>(), 60_000);
        SchemaInstanceResolver<Schema, Object> channel = configured(new SchemaInstanceResolver<>(), 60_000);
        assertEquals(1, atStart.resolveSchema(record("cares.scores", false, 1)).getGlobalId());
        assertEquals(1, channel.resolveSchema(record("cares.scores", false, 2)).getGlobalId());
        assertEquals(1, registrations.get(), "the channel's first send found the registration made at start");
        assertEquals(2, channel.refresh(record("cares.scores", false, 3)).getGlobalId(), "a refresh asks again");
        assertEquals(2, atStart.resolveSchema(record("cares.scores", false, 4)).getGlobalId(), "and is shared");
    }

    @Test
    void anotherRegistryIsNotAnsweredFromTheFirstOnesResolutions() {
        configured(new SchemaInstanceResolver<>(), 60_000).resolveSchema(record("cares.scores", false, 1));
        SchemaInstanceResolverTest other = new SchemaInstanceResolverTest();
        other.configured(new SchemaInstanceResolver<>(), 60_000).resolveSchema(record("cares.scores", false, 1));
        assertEquals(1, registrations.get());
        assertEquals(1, other.registrations.get(), "a second registry is asked itself");
    }

    @Test
    void aSchemaFetchedAtStartIsWhatTheDeserializersFind() {
        SchemaInstanceResolver<Schema, Object> atStart = configured(new SchemaInstanceResolver<>(), 60_000);
        SchemaLookupResult<Schema> latest = atStart.fetchLatest("cares.scores-value");
        assertEquals(LATEST_GLOBAL_ID, latest.getGlobalId());
        assertEquals(1, contentReads.get());
        for (int consumer = 0; consumer < 3; consumer++) {
            SchemaInstanceResolver<Schema, Object> deserializer = configured(new SchemaInstanceResolver<>(), 60_000);
            SchemaLookupResult<Schema> read = deserializer.resolveSchemaByArtifactReference(
                    io.apicurio.registry.resolver.strategy.ArtifactReference.fromGlobalId(LATEST_GLOBAL_ID));
            assertEquals(LabelCount.getClassSchema(), read.getParsedSchema().getParsedSchema());
        }
        assertEquals(1, contentReads.get(), "three consumers read the version fetched at start without asking");
    }

    @Test
    void aVersionReadByOneConsumerIsAskedAgainAfterThePeriod() throws InterruptedException {
        var reference = io.apicurio.registry.resolver.strategy.ArtifactReference.fromGlobalId(LATEST_GLOBAL_ID);
        configured(new SchemaInstanceResolver<>(), 50).resolveSchemaByArtifactReference(reference);
        configured(new SchemaInstanceResolver<>(), 50).resolveSchemaByArtifactReference(reference);
        assertEquals(1, contentReads.get(), "the second consumer shares the first one's read");
        Thread.sleep(120);
        configured(new SchemaInstanceResolver<>(), 50).resolveSchemaByArtifactReference(reference);
        assertEquals(2, contentReads.get(), "after the period the registry is asked again, as Apicurio's cache does");
    }

    private static final long LATEST_GLOBAL_ID = 7;

    private <R extends DefaultSchemaResolver<Schema, Object>> R configured(R resolver, long periodMs) {
        resolver.configure(Map.of(SerdeConfig.REGISTRY_URL, registryUrl,
                        SerdeConfig.AUTO_REGISTER_ARTIFACT, true, SchemaResolverConfig.CHECK_PERIOD_MS, periodMs,
                        SerdeConfig.RETRY_COUNT, 5, SerdeConfig.RETRY_BACKOFF_MS, 10),
                new AvroSchemaParser<>(new CaresAvroDatumProvider<>()));
        resolver.setClient(registry());
        // As the Kafka serializer sets it: the artifact is named after the topic (and key or value).
        resolver.setArtifactResolverStrategy(new TopicIdStrategy<>());
        return resolver;
    }

    private static KafkaSerdeRecord<Object> record(String topic, boolean isKey, long count) {
        return new KafkaSerdeRecord<>(new KafkaSerdeMetadata(topic, isKey, new RecordHeaders()),
                new LabelCount(HarmLevel.HARMLESS, Label.ACCEPT, count));
    }

    /** A registry that registers whatever it is sent; every other call is a failure of the test. */
    private RegistryClient registry() {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getName().equals("createArtifact")) {
                Thread.sleep(registrationDelayMs);
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IllegalStateException("duplicate content (simulated registry refusal)");
                }
                ArtifactMetaData created = new ArtifactMetaData();
                created.setGlobalId((long) registrations.incrementAndGet());
                created.setGroupId((String) args[0]);
                created.setId((String) args[1]);
                created.setVersion("1");
                created.setContentId(created.getGlobalId());
                return created;
            }
            switch (method.getName()) {
                case "getArtifactMetaData" -> {
                    ArtifactMetaData latest = new ArtifactMetaData();
                    latest.setGlobalId(LATEST_GLOBAL_ID);
                    latest.setGroupId("default");
                    latest.setId((String) args[1]);
                    latest.setVersion("3");
                    latest.setContentId(LATEST_GLOBAL_ID);
                    return latest;
                }
                case "getContentByGlobalId" -> {
                    assertEquals(LATEST_GLOBAL_ID, (long) (Long) args[0]);
                    contentReads.incrementAndGet();
                    return new java.io.ByteArrayInputStream(LabelCount.getClassSchema().toString()
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                case "getArtifactReferencesByGlobalId" -> {
                    return java.util.List.of();
                }
                default -> throw new AssertionError("unexpected registry call: " + method.getName());
            }
        };
        return (RegistryClient) Proxy.newProxyInstance(RegistryClient.class.getClassLoader(),
                new Class<?>[]{RegistryClient.class}, handler);
    }
}
