package io.caresstream.judge.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Whether this instance holds the first partition of the responses in its judge's group: exactly one instance
 * of a judge does at a time, and that one judges the gold canaries, so their rate and cost do not grow with the
 * instances a backlog scales the judge to.
 */
@ApplicationScoped
@Identifier("judge-canary-holder")
public class CanaryHolder implements KafkaConsumerRebalanceListener {

    private final ResponseConsumer responses;
    private volatile boolean holdsFirstPartition;

    public CanaryHolder(ResponseConsumer responses) {
        this.responses = responses;
    }

    public boolean holdsFirstPartition() {
        return holdsFirstPartition;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        holdsFirstPartition = consumer.assignment().stream().anyMatch(partition -> partition.partition() == 0);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        responses.revoked(partitions);
        if (partitions.stream().anyMatch(partition -> partition.partition() == 0)) {
            holdsFirstPartition = false;
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }
}
