package io.caresstream.scorer.streams;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A partition's running tallies kept as objects: the store of {@link PartitionTallies}' totals, which are
 * rebuilt from the rows whenever their task starts, so neither logged nor cached. Kafka Streams' own stores
 * hold bytes, and every row then cost an encoding of its group's whole tally (kilobytes for a model's scores,
 * JSON for its responses): in the scorer's benchmark that was a third of the stream threads' time and most of
 * the garbage the collector took away (docs/performance.md).
 *
 * <p>The stream thread changes a tally in place under the store's lock ({@link #update}); interactive queries,
 * on other threads, read copies taken under it, so a reader never sees a tally half changed and may change
 * what it got. Read-only to everyone else: Kafka Streams hands a processor a {@code KeyValueStore} only through
 * a wrapper, which would hide {@link #update}, and interactive queries need no more than reads.
 */
final class LiveTallyStore<A> implements StateStore, ReadOnlyKeyValueStore<String, A> {

    private final String name;
    private final UnaryOperator<A> copy;
    private final TreeMap<String, A> tallies = new TreeMap<>();
    private volatile boolean open;

    LiveTallyStore(String name, UnaryOperator<A> copy) {
        this.name = name;
        this.copy = copy;
    }

    /** A builder for the topology: the store cannot be logged or cached, and needs neither. */
    static <A> StoreBuilder<LiveTallyStore<A>> builder(String name, UnaryOperator<A> copy) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<LiveTallyStore<A>> withCachingEnabled() {
                throw new UnsupportedOperationException(name + " keeps objects; it has no cache");
            }

            @Override
            public StoreBuilder<LiveTallyStore<A>> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<LiveTallyStore<A>> withLoggingEnabled(Map<String, String> config) {
                throw new UnsupportedOperationException(name + " is rebuilt from the rows; it has no changelog");
            }

            @Override
            public StoreBuilder<LiveTallyStore<A>> withLoggingDisabled() {
                return this;
            }

            @Override
            public LiveTallyStore<A> build() {
                return new LiveTallyStore<>(name, copy);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** Changes a key's tally (null when it has none) on the stream thread: in place, or by a new value. */
    synchronized void update(String key, UnaryOperator<A> change) {
        tallies.put(key, change.apply(tallies.get(key)));
    }

    /** Replaces every tally at once. */
    synchronized void replaceAll(Map<String, A> all) {
        tallies.clear();
        tallies.putAll(all);
    }

    @Override
    public synchronized A get(String key) {
        A tally = tallies.get(key);
        return tally == null ? null : copy.apply(tally);
    }

    @Override
    public KeyValueIterator<String, A> range(String from, String to) {
        return copies(false, from, to);
    }

    @Override
    public KeyValueIterator<String, A> reverseRange(String from, String to) {
        return copies(true, from, to);
    }

    @Override
    public KeyValueIterator<String, A> all() {
        return copies(false, null, null);
    }

    @Override
    public KeyValueIterator<String, A> reverseAll() {
        return copies(true, null, null);
    }

    @Override
    public synchronized long approximateNumEntries() {
        return tallies.size();
    }

    /** Copies of the entries between the bounds (null: open), taken at once; Kafka Streams' range semantics. */
    private synchronized KeyValueIterator<String, A> copies(boolean reverse, String from, String to) {
        List<KeyValue<String, A>> entries = new ArrayList<>();
        if (from == null || to == null || from.compareTo(to) <= 0) {
            NavigableMap<String, A> range = tallies;
            if (from != null) {
                range = range.tailMap(from, true);
            }
            if (to != null) {
                range = range.headMap(to, true);
            }
            (reverse ? range.descendingMap() : range).forEach((key, tally) -> entries.add(KeyValue.pair(key, copy.apply(tally))));
        }
        return new CopiedEntries<>(entries.iterator());
    }

    // ---- the state store -------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Not logged: nothing to restore; the task's processor fills it from the rows.
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    @Override
    public void flush() {
        // Nothing is written anywhere.
    }

    @Override
    public synchronized void close() {
        open = false;
        tallies.clear();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    private record CopiedEntries<A>(Iterator<KeyValue<String, A>> entries) implements KeyValueIterator<String, A> {
        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public KeyValue<String, A> next() {
            return entries.next();
        }

        @Override
        public String peekNextKey() {
            throw new UnsupportedOperationException("peekNextKey is not supported");
        }

        @Override
        public void close() {
        }
    }
}
