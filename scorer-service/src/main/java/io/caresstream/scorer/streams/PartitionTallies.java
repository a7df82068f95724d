package io.caresstream.scorer.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The first of two steps of an aggregation: each partition's rows (judgments, responses) are tallied by group
 * (a model, judge and suite) in the task that reads them, and what changed in each group moves on as one delta
 * per emit interval, keyed by the group, for the second step to add to the group's total. A table's groupBy
 * would send every row through a repartition topic to the single task that holds its group, so a model
 * evaluated alone was aggregated on one thread whatever the number of scorer instances; here the work per row
 * stays with the row's partition and spreads with the partitions.
 *
 * <p>The rows store keeps each row, so a replaced or deleted row is taken out of its group before its
 * replacement is added. The deltas not yet emitted are kept in a logged store too: with exactly-once, a
 * restart finds the rows, the pending deltas and the input offsets at the same point, and emits those deltas
 * then. The rows store keeps the name, key and format of the table it replaces; a task that finds rows but
 * has never emitted (its rows were written by the earlier topology) tallies them all once. A row that comes
 * after a quiet interval moves on at once (the first judgment after a pause reaches the dashboard without
 * waiting out an interval); the rows after it wait for the interval's end, so a task still emits at most once
 * per interval. That emission is scheduled only while deltas wait, since every punctuation makes its task
 * commit a transaction: an idle scorer commits nothing.
 *
 * @param <R> the row
 * @param <A> the tally, which can hold a group's counts or a delta of them
 */
final class PartitionTallies<R, A> implements ProcessorSupplier<String, R, String, A> {

    /** How rows are grouped and tallied. */
    record Tallying<R, A>(Function<R, String> group, Supplier<A> empty, BiFunction<A, R, A> add,
                          BiFunction<A, R, A> remove) {
    }

    /** Marks that the task's rows have been tallied; no group key starts with EventKeys' separator. */
    static final String STARTED = "|started";

    private final String rowsStore;
    private final String deltasStore;
    private final Serde<R> rowSerde;
    private final Serde<A> tallySerde;
    private final Tallying<R, A> tallying;
    private final Duration emitInterval;
    private boolean cacheRows;

    PartitionTallies(String rowsStore, Serde<R> rowSerde, String deltasStore, Serde<A> tallySerde,
                     Tallying<R, A> tallying, Duration emitInterval) {
        this.rowsStore = rowsStore;
        this.deltasStore = deltasStore;
        this.rowSerde = rowSerde;
        this.tallySerde = tallySerde;
        this.tallying = tallying;
        this.emitInterval = emitInterval;
    }

    /**
     * Rows written through the record cache, to RocksDB and the changelog at each commit: for small rows that
     * arrive in bursts (an import's prompts), so the burst costs the stream thread a map insert per row.
     */
    PartitionTallies<R, A> withRowsCached() {
        cacheRows = true;
        return this;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        // Rows: by default uncached, since every key is new during a replay, so a cache would only evict the
        // deltas' few, hot entries.
        StoreBuilder<TimestampedKeyValueStore<String, R>> rows = Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(rowsStore), Serdes.String(), rowSerde);
        rows = cacheRows ? rows.withCachingEnabled() : rows.withCachingDisabled();
        // Deltas: changed on every row but written to the changelog once per commit, thanks to the cache; a
        // few entries, emptied at every emission, so in memory (restored from the changelog) rather than in
        // RocksDB, which would write a file at every commit.
        StoreBuilder<KeyValueStore<String, A>> deltas = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(deltasStore), Serdes.String(), tallySerde).withCachingEnabled();
        return Set.of(rows, deltas);
    }

    @Override
    public Processor<String, R, String, A> get() {
        return new Processor<>() {
            private ProcessorContext<String, A> context;
            private TimestampedKeyValueStore<String, R> rows;
            private KeyValueStore<String, A> deltas;
            private boolean started;
            /** Scheduled only while deltas wait: a punctuation makes the task commit, idle or not. */
            private Cancellable emitter;
            /** Wall-clock time of the last emission; none yet since this task started. */
            private long emittedAt = Long.MIN_VALUE;

            @Override
            public void init(ProcessorContext<String, A> context) {
                this.context = context;
                this.rows = context.getStateStore(rowsStore);
                this.deltas = context.getStateStore(deltasStore);
                // Deltas restored from before a restart, or rows an earlier topology left: emit without
                // waiting for the next record.
                if (deltas.get(STARTED) == null || !pendingDeltas().isEmpty()) {
                    emitSoon();
                }
            }

            /** The deltas not emitted yet (the marker is not one). */
            private List<KeyValue<String, A>> pendingDeltas() {
                List<KeyValue<String, A>> pending = new ArrayList<>();
                try (KeyValueIterator<String, A> all = deltas.all()) {
                    all.forEachRemaining(entry -> {
                        if (!entry.key.equals(STARTED)) {
                            pending.add(entry);
                        }
                    });
                }
                return pending;
            }

            private void emitSoon() {
                if (emitter == null) {
                    emitter = context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, this::emit);
                }
            }

            /** At once after a quiet interval, else at the interval's end. */
            private void emitNowOrSoon() {
                long now = context.currentSystemTimeMs();
                long interval = emitInterval.toMillis();
                if (emittedAt == Long.MIN_VALUE || now - emittedAt >= interval) {
                    boolean afterQuietSpell = emittedAt == Long.MIN_VALUE || now - emittedAt >= 2 * interval;
                    emit(now);
                    if (afterQuietSpell) {
                        // Visible downstream at this loop's commit, not up to a commit interval later. While
                        // rows keep coming, emissions are an interval apart and the commit interval paces them.
                        context.commit();
                    }
                } else {
                    emitSoon();
                }
            }

            @Override
            public void process(Record<String, R> record) {
                tallyEveryRowOnce();
                ValueAndTimestamp<R> stored = rows.get(record.key());
                R old = stored == null ? null : stored.value();
                R row = record.value();
                if (Objects.equals(old, row)) {
                    return; // a redelivery: nothing changes
                }
                if (row == null) {
                    rows.delete(record.key());
                } else {
                    rows.put(record.key(), ValueAndTimestamp.make(row, record.timestamp()));
                }
                if (old != null) {
                    change(old, tallying.remove());
                }
                if (row != null) {
                    change(row, tallying.add());
                }
                emitNowOrSoon();
            }

            private void change(R row, BiFunction<A, R, A> how) {
                String group = tallying.group().apply(row);
                A delta = deltas.get(group);
                deltas.put(group, how.apply(delta == null ? tallying.empty().get() : delta, row));
            }

            /** Not in init: a logged store can be written only while a record or a punctuation is processed. */
            private void tallyEveryRowOnce() {
                if (started) {
                    return;
                }
                started = true;
                if (deltas.get(STARTED) != null) {
                    return;
                }
                try (KeyValueIterator<String, ValueAndTimestamp<R>> all = rows.all()) {
                    all.forEachRemaining(entry -> change(entry.value.value(), tallying.add()));
                }
                deltas.put(STARTED, tallying.empty().get());
                emitSoon();
            }

            private void emit(long now) {
                tallyEveryRowOnce();
                for (KeyValue<String, A> delta : pendingDeltas()) {
                    context.forward(new Record<>(delta.key, delta.value, now));
                    deltas.delete(delta.key);
                }
                emittedAt = now;
                if (emitter != null) {
                    emitter.cancel();
                    emitter = null;
                }
            }
        };
    }
}
