package io.caresstream.events.serde;

import io.caresstream.events.security.ClientSecurity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Every service that writes events names their topics ({@code cares.schemas.written}) and registers their schemas
 * when it starts, before its first event: a schema the registry refuses (an incompatible change) is reported at
 * start rather than at the first send, and a new model's first response does not wait on the registry. A registry
 * that cannot be reached is reported and the service starts anyway: its first send resolves the schema as before.
 */
@ApplicationScoped
public class SchemasAtStartup {

    private static final Logger LOG = LoggerFactory.getLogger(SchemasAtStartup.class);

    @ConfigProperty(name = "cares.schemas.written")
    Optional<List<String>> topics;

    @ConfigProperty(name = "cares.registry.url")
    Optional<String> registryUrl;

    @ConfigProperty(name = "cares.registry.auto-register", defaultValue = "true")
    boolean autoRegister;

    @Inject
    ClientSecurity security;

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (topics.isEmpty() || registryUrl.isEmpty()) {
            return;
        }
        var config = new java.util.HashMap<>(EventSerdes.config(registryUrl.get(), autoRegister, security));
        // A few attempts, not the channels' 5 s: a registry that is down must not hold the start up, and the first
        // send tries again. Services registering their first schemas at once can be refused for a while: the
        // registry's in-memory storage races on its first content id and times out on table locks, which on a
        // loaded 2-core machine outlasted three attempts 500 ms apart (EndToEndTest, CI).
        config.put(io.apicurio.registry.serde.SerdeConfig.RETRY_COUNT, 6);
        for (String topic : topics.get()) {
            long begun = System.nanoTime();
            try {
                EventSerdes.register(config, topic);
                LOG.info("schema of {} {} in {} ms", topic, autoRegister ? "registered" : "found",
                        (System.nanoTime() - begun) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warn("schema of {} not registered at start (the first event will try again): {}", topic,
                        e.getMessage());
            }
        }
    }
}
