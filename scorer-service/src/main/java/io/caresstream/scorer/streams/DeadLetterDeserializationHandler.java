package io.caresstream.scorer.streams;

import io.caresstream.events.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An event that cannot be read is copied, raw, to the scorer's dead-letter topic of its source topic
 * (e.g. {@value Topics#JUDGMENTS_DLQ}) with the reason in its headers, and scoring goes on: one bad record
 * neither stops the scores nor disappears. (Kafka Streams 4.1 has no built-in dead-letter queue.) Kafka Streams
 * makes a handler per stream task; they share one producer per process, built from the whole client
 * configuration of the scorer, so it reaches a TLS or SASL cluster as the stream threads do.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = Logger.getLogger(DeadLetterDeserializationHandler.class);
    private static final AtomicLong DEAD_LETTERS = new AtomicLong();
    private static final String CLIENT_ID = "scorer-service-dead-letters";
    private static KafkaProducer<byte[], byte[]> shared;

    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        producer = sharedProducer(configs);
    }

    private static synchronized KafkaProducer<byte[], byte[]> sharedProducer(Map<String, ?> streamsConfigs) {
        if (shared == null) {
            KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(producerConfig(streamsConfigs),
                    new ByteArraySerializer(), new ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> created.close(Duration.ofSeconds(5)), CLIENT_ID + "-close"));
            shared = created;
        }
        return shared;
    }

    /**
     * The producer settings Kafka Streams itself derives from the scorer's configuration (bootstrap servers,
     * security, {@code producer.}-prefixed settings), acknowledged by every replica and outside any transaction:
     * a dead letter is written at once, whatever becomes of the task's transaction.
     */
    static Map<String, Object> producerConfig(Map<String, ?> streamsConfigs) {
        Map<String, Object> config = new HashMap<>(new StreamsConfig(streamsConfigs).getProducerConfigs(CLIENT_ID));
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        // The project's one dead-letter layout, the one SmallRye's dead-letter queue writes for the other
        // services: the original key and raw value, the original headers, and where and why.
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dead-letter-reason", String.valueOf(exception.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-exception-class-name", exception.getClass().getName().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        String deadLetters = deadLettersOf(record.topic());
        try {
            producer.send(new ProducerRecord<>(deadLetters, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Could not keep it: stop rather than lose it.
            LOG.errorf(e, "cannot write the unreadable event at %s-%d@%d to %s", record.topic(), record.partition(),
                    record.offset(), deadLetters);
            return DeserializationHandlerResponse.FAIL;
        }
        LOG.warnf("unreadable event at %s-%d@%d moved to %s (%d so far): %s", record.topic(), record.partition(),
                record.offset(), deadLetters, DEAD_LETTERS.incrementAndGet(), exception.getMessage());
        return DeserializationHandlerResponse.CONTINUE;
    }

    public static String deadLettersOf(String topic) {
        return Topics.deadLetters(topic, "scorer-service");
    }

    /** Unreadable events seen by this process. */
    public static long deadLetters() {
        return DEAD_LETTERS.get();
    }
}
