package io.caresstream.scorer.streams;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.IndexType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedRocksDbTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreSharesOneBudgetWithIndexAndFiltersInIt() {
        BoundedRocksDb setter = new BoundedRocksDb();
        try (Options judgments = new Options().setTableFormatConfig(new BlockBasedTableConfig());
             Options totals = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            setter.setConfig("judgments", judgments, Map.of(BoundedRocksDb.MEMORY_BYTES, String.valueOf(32L << 20)));
            setter.setConfig("score-totals", totals, Map.of());

            assertNotNull(judgments.writeBufferManager());
            assertSame(judgments.writeBufferManager(), totals.writeBufferManager(), "one memtable budget for all stores");
            for (Options options : new Options[]{judgments, totals}) {
                assertEquals(4L << 20, options.writeBufferSize());
                assertEquals(2, options.maxWriteBufferNumber());
                BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
                assertTrue(table.cacheIndexAndFilterBlocks(), "index and filters are charged to the cache");
                assertTrue(table.partitionFilters());
                assertEquals(IndexType.kTwoLevelIndexSearch, table.indexType());
            }
            setter.close("judgments", judgments);
            setter.close("score-totals", totals);
        }
    }
}
