package io.caresstream.scorer.streams;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The dead-letter producer reaches the cluster the way the stream threads do, security settings included. */
class DeadLetterDeserializationHandlerTest {

    @Test
    void theDeadLetterProducerTakesTheWholeClientConfigurationAndNoTransaction() {
        Map<String, Object> streams = Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "scorer-service",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9093,broker-2:9093",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "producer.compression.type", "lz4");
        Map<String, Object> producer = DeadLetterDeserializationHandler.producerConfig(streams);
        assertEquals("broker-1:9093,broker-2:9093", producer.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", producer.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required;", producer.get("sasl.jaas.config"));
        assertEquals("/etc/kafka/truststore.p12", producer.get("ssl.truststore.location"));
        assertEquals("lz4", producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals("all", producer.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("scorer-service-dead-letters", producer.get(ProducerConfig.CLIENT_ID_CONFIG));
        assertFalse(producer.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    }
}
