package io.caresstream.modelinvoker.messaging;

import io.caresstream.modelinvoker.domain.Responder;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;

/**
 * Instances of one model share its rate limits without talking to each other: each takes the share of
 * the prompt topic's partitions it is assigned, recomputed at every rebalance.
 */
@ApplicationScoped
@Identifier("model-rate-limit-share")
public class RateLimitShare implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(RateLimitShare.class);

    private final Responder responder;
    private final PromptConsumer prompts;

    public RateLimitShare(Responder responder, PromptConsumer prompts) {
        this.responder = responder;
        this.prompts = prompts;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        prompts.revoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        int mine = consumer.assignment().size();
        if (mine == 0) {
            return;
        }
        String topic = consumer.assignment().iterator().next().topic();
        int all = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
        double share = mine / (double) all;
        responder.client().shareLimits(share);
        LOG.infof("model %s: %d of %d partitions assigned, taking %.0f%% of the model's rate limits",
                responder.modelId(), mine, all, share * 100);
    }
}
