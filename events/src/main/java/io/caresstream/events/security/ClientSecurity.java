package io.caresstream.events.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a service's clients of Kafka and of the schema registry authenticate, from its configuration, so that every
 * client connects the same way: the SmallRye channels take the same settings from configuration, and the clients a
 * service makes itself (topic set-up, readiness, log snapshots, the scorer's serdes) take them from this bean.
 */
@ApplicationScoped
public class ClientSecurity {

    private static final String KAFKA = "kafka.";

    private final Map<String, Object> kafka;
    private final Map<String, Object> registry;

    @Inject
    public ClientSecurity(Config config) {
        this(kafka(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class)),
                registry(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class)));
    }

    private ClientSecurity(Map<String, Object> kafka, Map<String, Object> registry) {
        this.kafka = Map.copyOf(kafka);
        this.registry = Map.copyOf(registry);
    }

    /** No security settings: plain connections, as a local broker and registry take them. */
    public static ClientSecurity none() {
        return new ClientSecurity(Map.of(), Map.of());
    }

    /**
     * The {@code kafka.security.*}, {@code kafka.sasl.*} and {@code kafka.ssl.*} settings (from
     * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_JAAS_CONFIG}, ...), as Kafka client settings.
     */
    public Map<String, Object> kafka() {
        return kafka;
    }

    /** The registry client's credentials, {@code apicurio.auth.*} (from {@code KAFKA_APICURIO_AUTH_CLIENT_ID}, ...). */
    public Map<String, Object> registry() {
        return registry;
    }

    static Map<String, Object> kafka(Iterable<String> names, Function<String, Optional<String>> value) {
        return collect(names, value, name -> name.startsWith(KAFKA + "security.") || name.startsWith(KAFKA + "sasl.")
                || name.startsWith(KAFKA + "ssl."));
    }

    static Map<String, Object> registry(Iterable<String> names, Function<String, Optional<String>> value) {
        return collect(names, value, name -> name.startsWith(KAFKA + "apicurio.auth."));
    }

    /**
     * The {@code kafka.*} settings the filter picks, by their Kafka name ({@code kafka.} cut off), without blank
     * ones. A name in the environment's form (KAFKA_SSL_TRUSTSTORE_LOCATION) is read as Quarkus reads it for the
     * channels: lower case, underscores as dots.
     */
    private static Map<String, Object> collect(Iterable<String> names, Function<String, Optional<String>> value,
                                               Predicate<String> picked) {
        Map<String, Object> settings = new TreeMap<>();
        for (String name : names) {
            String kafkaName = name.matches("[A-Z0-9_]+") ? name.toLowerCase(java.util.Locale.ROOT).replace('_', '.') : name;
            if (picked.test(kafkaName)) {
                value.apply(name).filter(v -> !v.isBlank())
                        .ifPresent(v -> settings.put(kafkaName.substring(KAFKA.length()), v));
            }
        }
        return settings;
    }
}
