package io.caresstream.events.topics;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Each Kafka channel a service writes to asks for its topic's partitions as the service starts. A producer
 * otherwise learns them on its first send, which then waits for a metadata round trip (a plugged-in judge's first
 * judgment waited 91 ms on a busy machine: docs/performance.md). The producer keeps them as long as it sends to
 * the topic at least every {@code metadata.max.idle.ms} (5 min). A broker that cannot be reached delays nothing:
 * the first send asks again.
 */
@ApplicationScoped
public class ProducersAtStartup {

    private static final Logger LOG = LoggerFactory.getLogger(ProducersAtStartup.class);
    private static final Duration AT_MOST = Duration.ofSeconds(10);

    @Inject
    Instance<KafkaClientService> clients;

    /** After the channels are wired (SmallRye does so on an earlier observer of the start). */
    void learnPartitions(@Observes Startup started) {
        if (!clients.isResolvable()) {
            return; // a service without SmallRye Kafka channels (the scorer's Kafka Streams learn their own)
        }
        KafkaClientService kafka = clients.get();
        for (String channel : kafka.getProducerChannels()) {
            KafkaProducer<Object, Object> producer = kafka.getProducer(channel);
            if (producer == null) {
                continue;
            }
            String topic = ChannelSender.topicOf(channel);
            producer.partitionsFor(topic).ifNoItem().after(AT_MOST).fail().subscribe().with(
                    partitions -> LOG.debug("channel {}: {} partitions of {} known", channel, partitions.size(), topic),
                    failure -> LOG.info("channel {}: partitions of {} not known at start (the first send asks): {}",
                            channel, topic, failure.getMessage()));
        }
    }
}
