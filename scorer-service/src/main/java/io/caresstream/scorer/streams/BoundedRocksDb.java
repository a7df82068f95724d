package io.caresstream.scorer.streams;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One memory budget for all of this scorer's RocksDB stores (Kafka Streams' bounded-memory recipe). By default
 * every store instance, and there is one per store and partition, has its own block cache and memtables outside
 * the heap: the scorer grew by about 35 MB with every 10,000 evaluations (e2e-benchmark.sh --runs 5). Here they
 * share one cache, which also holds the index and filter blocks and is charged for the memtables.
 * {@code cares.rocksdb.memory-bytes} (a Kafka Streams setting, {@code kafka-streams.cares.rocksdb.memory-bytes})
 * sets the budget; 64 MB by default.
 */
public class BoundedRocksDb implements RocksDBConfigSetter {

    public static final String MEMORY_BYTES = "cares.rocksdb.memory-bytes";
    private static final long DEFAULT_MEMORY_BYTES = 64L << 20;
    /** Each store's memtable; the budget, not this, bounds the total. */
    private static final long WRITE_BUFFER_BYTES = 4L << 20;

    private static Cache cache;
    private static WriteBufferManager memtables;

    /** The shared cache, made at the first store's configuration with the budget of that configuration. */
    private static synchronized void shared(Map<String, Object> configs) {
        if (cache == null) {
            Object given = configs.get(MEMORY_BYTES);
            long bytes = given == null ? DEFAULT_MEMORY_BYTES : Long.parseLong(given.toString());
            // A tenth kept for index and filter blocks, so that data blocks do not push them out.
            cache = new LRUCache(bytes, -1, false, 0.1);
            memtables = new WriteBufferManager(bytes / 2, cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        shared(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true);
        options.setWriteBufferManager(memtables)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store of the process: never closed here.
    }
}
