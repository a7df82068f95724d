package io.caresstream.events.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientSecurityTest {

    private static final Map<String, String> CONFIG = Map.of(
            "kafka.security.protocol", "SASL_SSL",
            "kafka.sasl.mechanism", "SCRAM-SHA-512",
            "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/cares/truststore.p12",
            "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
            "kafka.ssl.keystore.location", "",
            "kafka-streams.security.protocol", "SSL",
            "KAFKA_APICURIO_AUTH_CLIENT_ID", "scorer-service",
            "kafka.apicurio.auth.client.secret", "",
            "apicurio.registry.url", "http://registry/apis/registry/v2");

    @Test
    void kafkaClientsTakeTheSecuritySettingsOfTheKafkaPrefixInEitherFormAndNothingElse() {
        Map<String, Object> settings = ClientSecurity.kafka(CONFIG.keySet(), name -> Optional.ofNullable(CONFIG.get(name)));
        assertEquals(List.of("sasl.jaas.config", "sasl.mechanism", "security.protocol", "ssl.truststore.location"),
                List.copyOf(settings.keySet()), "blank values are left out, as unset");
        assertEquals("SASL_SSL", settings.get("security.protocol"));
    }

    @Test
    void registryClientsTakeTheCredentialsAndNothingElse() {
        assertEquals(Map.of("apicurio.auth.client.id", "scorer-service"),
                ClientSecurity.registry(CONFIG.keySet(), name -> Optional.ofNullable(CONFIG.get(name))));
    }
}
