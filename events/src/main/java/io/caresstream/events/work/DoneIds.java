package io.caresstream.events.work;

import org.apache.commons.io.FileUtils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A set of ids on local disk (RocksDB), with a fixed memory budget however many it holds: a worker that has done
 * a million pieces of work needs no more heap than one that has done ten thousand. The set is a cache of the
 * worker's done topic, rebuilt from it at every start, so nothing here needs to survive the process: writes skip
 * RocksDB's write-ahead log, and the directory is deleted on close (and, when a killed process left it behind, at
 * the next start in the same state directory).
 */
final class DoneIds implements AutoCloseable {

    /**
     * All of RocksDB's memory for the set: the block cache, which also holds the index and filter blocks and is
     * charged for the memtables (Kafka Streams' bounded-memory recipe). Index and filters are partitioned, so a
     * lookup needs only the pieces for its key; with them outside the cache, they grew with the ids held.
     */
    private static final long MEMORY_BYTES = 8L << 20;
    private static final long WRITE_BUFFER_BYTES = 2L << 20;
    private static final byte[] PRESENT = new byte[0];

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final LRUCache cache;
    private final WriteBufferManager memtables;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;
    private long size;

    /** Opens an empty set in a directory of its own under stateDir, named after worker and this process. */
    DoneIds(Path stateDir, String worker) {
        String prefix = worker.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
        this.directory = stateDir.resolve(prefix + ProcessHandle.current().pid());
        removeLeftovers(stateDir, prefix);
        // Half of the cache kept for index and filter blocks, so data blocks do not push them out.
        cache = new LRUCache(MEMORY_BYTES, -1, false, 0.5);
        memtables = new WriteBufferManager(MEMORY_BYTES / 2, cache);
        filter = new BloomFilter(10, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true);
        options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferManager(memtables)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                // A Bloom filter over the memtable's whole keys too: the ids done since the last flush sit there,
                // and every new id was otherwise looked for in its skip list (docs/performance.md).
                .setMemtablePrefixBloomSizeRatio(0.1)
                .setMemtableWholeKeyFiltering(true)
                .setMaxBackgroundJobs(1)
                .setMaxOpenFiles(256)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(1)
                .setTableFormatConfig(table);
        writes = new WriteOptions().setDisableWAL(true);
        try {
            FileUtils.deleteDirectory(directory.toFile());
            Files.createDirectories(directory);
            db = RocksDB.open(options, directory.toString());
        } catch (IOException | RocksDBException e) {
            close();
            throw new IllegalStateException("cannot open the done-ids store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Adds the id; false when it was there already. */
    synchronized boolean add(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        try {
            // Most ids are new: the Bloom filters answer that without reading a block.
            if (db.keyMayExist(key, null) && db.get(key) != null) {
                return false;
            }
            db.put(writes, key, PRESENT);
            size++;
            return true;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the done-ids store in " + directory + ": " + e.getMessage(), e);
        }
    }

    boolean contains(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        try {
            return db.keyMayExist(key, null) && db.get(key) != null;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the done-ids store in " + directory + ": " + e.getMessage(), e);
        }
    }

    synchronized long size() {
        return size;
    }

    @Override
    public synchronized void close() {
        // A null field: the constructor failed before it was made.
        if (db != null) {
            db.close();
        }
        for (AutoCloseable resource : new AutoCloseable[] {writes, options, memtables, filter, cache}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // Native handles: nothing more to do.
            }
        }
        try {
            FileUtils.deleteDirectory(directory.toFile());
        } catch (IOException e) {
            // Left behind; the next start in this state directory removes it.
        }
    }

    /** Directories of this worker whose process is gone (killed before it could clean up). */
    private static void removeLeftovers(Path stateDir, String prefix) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(stateDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(name.substring(prefix.length()));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        FileUtils.deleteDirectory(entry.toFile());
                    }
                } catch (NumberFormatException e) {
                    // Not one of ours.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the state directory " + stateDir, e);
        }
    }
}
