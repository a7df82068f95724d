package io.caresstream.events.work;

import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CallPool}'s pause of a SmallRye Kafka channel, made on the channel's consumer itself (on its polling
 * thread) so that SmallRye does not know of it and keeps polling with its poll timeout. A resume never lifts a
 * pause of the channel's own ({@link PausableChannel}, e.g. a user's): that one is SmallRye's to lift.
 */
public final class ConsumerPause implements CallPool.Pause {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerPause.class);

    private final KafkaClientService kafka;
    private final ChannelRegistry channels;
    private final String channel;

    public ConsumerPause(KafkaClientService kafka, ChannelRegistry channels, String channel) {
        this.kafka = kafka;
        this.channels = channels;
        this.channel = channel;
    }

    @Override
    public void pause() {
        consumer().runOnPollingThread(c -> {
            c.pause(c.assignment());
        }).subscribe().with(done -> { }, failure -> LOG.warn("channel {}: pause failed: {}", channel, failure.getMessage()));
    }

    @Override
    public void resume() {
        consumer().runOnPollingThread(c -> {
            PausableChannel own = channels.getPausable(channel);
            if (own == null || !own.isPaused()) {
                c.resume(c.assignment());
            }
        }).subscribe().with(done -> { }, failure -> LOG.warn("channel {}: resume failed: {}", channel, failure.getMessage()));
    }

    private KafkaConsumer<Object, Object> consumer() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(channel);
        if (consumer == null) {
            throw new IllegalStateException("no Kafka consumer for channel " + channel);
        }
        return consumer;
    }
}
