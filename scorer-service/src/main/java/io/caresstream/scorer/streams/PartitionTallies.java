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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Rows (judgments, responses, prompts) tallied by group (a model, judge and suite) in the task that reads
 * them, so the work per row stays with the row's partition and spreads with the partitions even when one
 * model receives all of it. A table's groupBy would send every row through a repartition topic to the single
 * task that holds its group.
 *
 * <p>Each task keeps its partition's running tally of every group, keyed by {@link #totalKey partition and
 * group}; the figures people see are these tallies summed over the partitions when they are read
 * ({@link #sumByGroup}). A judgment so reaches the dashboard as soon as its task has processed it, with no
 * repartition topic and no commit in between: under exactly-once each of those waits for a transaction, and
 * under load, for a stream thread busy committing. The tallies are derived from the rows store: kept in memory,
 * not logged, and tallied again from the rows whenever the task starts (after a restart, a rebalance or a
 * failure, when the rows are those of the last commit). Logged, a partition's tallies of many models would
 * put kilobytes per model into the changelog at every commit.
 *
 * <p>Where the tallies must also move on as a topic (the scores), {@link #emittingDeltas} keeps what changed
 * in each group since the last emission in a logged store and forwards it, keyed by the group, once per emit
 * interval, for a second step to add to the group's total. A row that comes after a quiet interval moves on
 * at once; the rows after it wait for the interval's end, so a task emits at most once per interval. That
 * emission is scheduled only while deltas wait, since every punctuation makes its task commit a
 * transaction: an idle scorer commits nothing. With exactly-once, a restart finds the rows, the pending
 * deltas and the input offsets at the same point, and emits those deltas then; a task whose deltas store has
 * never been written while it has rows (an earlier release's, which aggregated by groupBy) emits them all once.
 *
 * <p>The rows store keeps each row, so a replaced or deleted row is taken out of its group before its
 * replacement is added; it keeps the name, key and format of the table it replaces.
 *
 * @param <R> the row
 * @param <A> the tally, which can hold a group's counts or a delta of them
 */
final class PartitionTallies<R, A> implements ProcessorSupplier<String, R, String, A> {

    /**
     * How rows are grouped and tallied. {@code add} and {@code remove} may change the tally they are given;
     * {@code copy} gives a tally no later change reaches, for readers on other threads.
     */
    record Tallying<R, A>(Function<R, String> group, Supplier<A> empty, BiFunction<A, R, A> add,
                          BiFunction<A, R, A> remove, UnaryOperator<A> copy) {
    }

    /** Marks that the task's rows have moved on as deltas; no group key starts with EventKeys' separator. */
    static final String STARTED = "|started";

    private static final char SEPARATOR = '|';

    private final String rowsStore;
    private final String totalsStore;
    private final Serde<R> rowSerde;
    private final Serde<A> tallySerde;
    private final Tallying<R, A> tallying;
    private final Duration emitInterval;
    private final Runnable onChange;
    private String deltasStore;
    private boolean cacheRows;

    /**
     * @param tallySerde   how a delta is stored (with {@link #emittingDeltas}); the totals are kept as objects
     * @param emitInterval how often deltas move on (with {@link #emittingDeltas})
     * @param onChange     told after every change to a tally, once the store holds it
     */
    PartitionTallies(String rowsStore, Serde<R> rowSerde, String totalsStore, Serde<A> tallySerde,
                     Tallying<R, A> tallying, Duration emitInterval, Runnable onChange) {
        this.rowsStore = rowsStore;
        this.totalsStore = totalsStore;
        this.rowSerde = rowSerde;
        this.tallySerde = tallySerde;
        this.tallying = tallying;
        this.emitInterval = emitInterval;
        this.onChange = onChange;
    }

    /** Also forwards each group's change, once per emit interval, keeping the changes not emitted yet in a store. */
    PartitionTallies<R, A> emittingDeltas(String deltasStore) {
        this.deltasStore = deltasStore;
        return this;
    }

    /**
     * Rows written through the record cache, to RocksDB and the changelog at each commit: for small rows that
     * arrive in bursts (an import's prompts), so the burst costs the stream thread a map insert per row.
     */
    PartitionTallies<R, A> withRowsCached() {
        cacheRows = true;
        return this;
    }

    /** The key of a group's total in one partition's store. */
    static String totalKey(int partition, String group) {
        return partition + String.valueOf(SEPARATOR) + group;
    }

    /**
     * Every group's total over the partitions, from the entries of a totals store read across the tasks that
     * hold them. A partition read twice (from two instances during a rebalance) has the same keys, so the
     * caller's map already holds it once.
     */
    static <A> Map<String, A> sumByGroup(Map<String, A> entries, BinaryOperator<A> plus) {
        Map<String, A> totals = new TreeMap<>();
        entries.forEach((key, total) -> totals.merge(key.substring(key.indexOf(SEPARATOR) + 1), total, plus));
        return totals;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        Set<StoreBuilder<?>> stores = new HashSet<>();
        // Rows: by default uncached, since every key is new during a replay, so a cache would only evict the
        // deltas' few, hot entries.
        StoreBuilder<TimestampedKeyValueStore<String, R>> rows = Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(rowsStore), Serdes.String(), rowSerde);
        stores.add(cacheRows ? rows.withCachingEnabled() : rows.withCachingDisabled());
        // Tallies: rebuilt from the rows at every start, so neither logged nor cached; a few entries, kept as
        // objects, since encoding a group's whole tally on every row was most of the stream threads' work.
        stores.add(LiveTallyStore.builder(totalsStore, tallying.copy()));
        if (deltasStore != null) {
            // Deltas: changed on every row but written to the changelog once per commit, thanks to the cache;
            // in memory (restored from the changelog) rather than in RocksDB, which would write a file at every
            // commit.
            stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(deltasStore), Serdes.String(),
                    tallySerde).withCachingEnabled());
        }
        return stores;
    }

    @Override
    public Processor<String, R, String, A> get() {
        return new Processor<>() {
            private ProcessorContext<String, A> context;
            private int partition;
            private TimestampedKeyValueStore<String, R> rows;
            private LiveTallyStore<A> totals;
            /** Null unless deltas are emitted. */
            private KeyValueStore<String, A> deltas;
            /**
             * What the deltas store holds, as objects: each row then costs a delta's encoding, not also its
             * decoding.
             */
            private final Map<String, A> liveDeltas = new HashMap<>();
            private boolean deltasStarted;
            /** Scheduled only while deltas wait: a punctuation makes the task commit. */
            private Cancellable emitter;
            /** Wall-clock time of the last emission; none yet since this task started. */
            private long emittedAt = Long.MIN_VALUE;

            @Override
            public void init(ProcessorContext<String, A> context) {
                this.context = context;
                this.partition = context.taskId().partition();
                this.rows = context.getStateStore(rowsStore);
                this.totals = context.getStateStore(totalsStore);
                this.deltas = deltasStore == null ? null : context.getStateStore(deltasStore);
                // A task that failed is initialised again on the same processor, its stores restored.
                if (emitter != null) {
                    emitter.cancel();
                    emitter = null;
                }
                emittedAt = Long.MIN_VALUE;
                tallyRows();
                liveDeltas.clear();
                if (deltas != null) {
                    try (KeyValueIterator<String, A> all = deltas.all()) {
                        all.forEachRemaining(entry -> liveDeltas.put(entry.key, entry.value));
                    }
                    deltasStarted = liveDeltas.containsKey(STARTED);
                    // Deltas restored from before a restart, or rows an earlier release left: emit them
                    // without waiting for the next record.
                    if (!deltasStarted || !pendingDeltas().isEmpty()) {
                        emitSoon();
                    }
                }
            }

            /** The partition's tallies, from its rows; allowed in init, since the store is not logged. */
            private void tallyRows() {
                Map<String, A> tallied = new HashMap<>();
                try (KeyValueIterator<String, ValueAndTimestamp<R>> all = rows.all()) {
                    all.forEachRemaining(entry -> {
                        String key = totalKey(partition, tallying.group().apply(entry.value.value()));
                        A tally = tallied.get(key);
                        tallied.put(key, tallying.add().apply(tally == null ? tallying.empty().get() : tally,
                                entry.value.value()));
                    });
                }
                totals.replaceAll(tallied);
                onChange.run();
            }

            /** The deltas not emitted yet (the marker is not one). */
            private List<KeyValue<String, A>> pendingDeltas() {
                List<KeyValue<String, A>> pending = new ArrayList<>();
                liveDeltas.forEach((group, delta) -> {
                    if (!group.equals(STARTED)) {
                        pending.add(KeyValue.pair(group, delta));
                    }
                });
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
                startDeltas();
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
                onChange.run();
                if (deltas != null) {
                    emitNowOrSoon();
                }
            }

            private void change(R row, BiFunction<A, R, A> how) {
                String group = tallying.group().apply(row);
                totals.update(totalKey(partition, group), tally -> how.apply(tally == null ? tallying.empty().get() : tally, row));
                if (deltas != null) {
                    update(deltas, liveDeltas, group, row, how);
                }
            }

            private void update(KeyValueStore<String, A> store, Map<String, A> live, String key, R row,
                                BiFunction<A, R, A> how) {
                A tally = live.get(key);
                A changed = how.apply(tally == null ? tallying.empty().get() : tally, row);
                live.put(key, changed);
                store.put(key, changed);
            }

            /**
             * Rows an earlier release stored (it aggregated them by groupBy) move on once as deltas. Not in init:
             * a logged store can be written only while a record or a punctuation is processed.
             */
            private void startDeltas() {
                if (deltas == null || deltasStarted) {
                    return;
                }
                deltasStarted = true;
                try (KeyValueIterator<String, ValueAndTimestamp<R>> all = rows.all()) {
                    all.forEachRemaining(entry -> update(deltas, liveDeltas,
                            tallying.group().apply(entry.value.value()), entry.value.value(), tallying.add()));
                }
                liveDeltas.put(STARTED, tallying.empty().get());
                deltas.put(STARTED, tallying.empty().get());
                emitSoon();
            }

            private void emit(long now) {
                startDeltas();
                for (KeyValue<String, A> delta : pendingDeltas()) {
                    context.forward(new Record<>(delta.key, delta.value, now));
                    deltas.delete(delta.key);
                    liveDeltas.remove(delta.key);
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
