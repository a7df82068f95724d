package io.caresstream.events.topics;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends keyed events to an outgoing channel's topic through the channel's own Kafka producer (its serializers,
 * registry, batching and idempotence as configured for the channel), from the calling thread.
 * <p>
 * Why not the channel's emitter: an emitted message goes through Mutiny's operators and context propagation to a
 * sending thread of SmallRye's own, which then calls the same producer. At 0 ms a new model-invoker and judge
 * each spent a sixth to a fifth more CPU that way (docs/performance.md). The producer is thread-safe and its
 * {@code send} does not wait for the broker, so the calling thread is free once the record is in the batch.
 * <p>
 * SmallRye makes a channel's producer only when something sends to the channel: the service still injects the
 * channel's emitter, which wires it.
 */
public final class ChannelSender<V> {

    /** How long the first send waits for SmallRye to make the channel's producer (made at start in practice). */
    private static final Duration PRODUCER_AT_MOST = Duration.ofSeconds(30);
    private final KafkaClientService kafka;
    private final String channel;
    private final String topic;
    private volatile Producer<String, V> producer;

    private ChannelSender(KafkaClientService kafka, String channel) {
        this.kafka = kafka;
        this.channel = channel;
        this.topic = topicOf(channel);
    }

    /** The sender of an outgoing channel whose records are keyed by a string. */
    public static <V> ChannelSender<V> onChannel(String channel, KafkaClientService kafka) {
        return new ChannelSender<>(kafka, channel);
    }

    /** The topic an outgoing channel writes to: its {@code topic} setting, or else the channel's name. */
    static String topicOf(String channel) {
        return ConfigProvider.getConfig()
                .getOptionalValue("mp.messaging.outgoing." + channel + ".topic", String.class).orElse(channel);
    }

    /**
     * Completes once the broker has acknowledged the event (the channel's {@code acks}), or fails with why it was
     * not taken: the stage of the producer's own callback, on the producer's network thread.
     */
    public CompletionStage<Void> send(String key, V event) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer().send(new ProducerRecord<>(topic, key, event), (metadata, failure) -> {
                if (failure == null) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            // Refused before it reached the batch: a serializer's or the registry's error, a closed producer.
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /**
     * Sends the events waiting in the producer's batches at once rather than after the channel's {@code linger.ms},
     * and waits until the broker has acknowledged (or refused) every event sent before.
     */
    public void flush() throws InterruptedException {
        Producer<String, V> current = producer;
        if (current == null) {
            return; // nothing sent yet
        }
        try {
            current.flush();
        } catch (InterruptException e) {
            // Kafka's unchecked form sets the interrupt flag again; the checked exception says it instead.
            Thread.interrupted();
            InterruptedException interrupted = new InterruptedException("interrupted while flushing " + channel);
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private Producer<String, V> producer() {
        Producer<String, V> current = producer;
        if (current == null) {
            KafkaProducer<String, V> channelProducer = kafka.getProducer(channel);
            if (channelProducer == null) {
                throw new IllegalStateException("channel " + channel + " has no Kafka producer: is it an outgoing "
                        + "smallrye-kafka channel that something sends to?");
            }
            current = channelProducer.unwrap();
            if (current == null) {
                current = channelProducer.runOnSendingThread(made -> made).await().atMost(PRODUCER_AT_MOST);
            }
            producer = current;
        }
        return current;
    }
}
