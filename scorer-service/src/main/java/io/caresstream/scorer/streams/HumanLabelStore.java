package io.caresstream.scorer.streams;

import io.caresstream.events.HumanLabelEvent;
import io.caresstream.scorer.domain.HumanLabel;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The human labels, kept whole on every instance in the global store {@value ScoreTopology#HUMAN_LABELS} (they are
 * few, and every review figure reads all of them); each one arriving moves the live pages' version.
 */
final class HumanLabelStore implements ProcessorSupplier<String, HumanLabelEvent, Void, Void> {

    private final ScoreUpdates updates;

    HumanLabelStore(ScoreUpdates updates) {
        this.updates = updates;
    }

    static StoreBuilder<KeyValueStore<String, HumanLabel>> store() {
        // A global store is rebuilt from its topic: no changelog of its own.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ScoreTopology.HUMAN_LABELS), Serdes.String(),
                new ObjectMapperSerde<>(HumanLabel.class)).withLoggingDisabled();
    }

    @Override
    public Processor<String, HumanLabelEvent, Void, Void> get() {
        return new Processor<>() {
            private KeyValueStore<String, HumanLabel> labels;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                labels = context.getStateStore(ScoreTopology.HUMAN_LABELS);
            }

            @Override
            public void process(Record<String, HumanLabelEvent> record) {
                if (record.value() == null) {
                    labels.delete(record.key());
                } else {
                    labels.put(record.key(), HumanLabel.of(record.value()));
                }
                updates.changed();
            }
        };
    }
}
