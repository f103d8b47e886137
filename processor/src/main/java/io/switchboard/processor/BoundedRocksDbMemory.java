package io.switchboard.processor;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One memory budget for every RocksDB store of this JVM, as Kafka Streams' memory-management guide
 * describes: a single block cache that also holds the index and filter blocks, and write buffers
 * (memtables) charged to it. Without it each store of each partition, active or standby, gets its
 * own 50 MB cache and up to three 16 MB memtables, so a replica's memory grew with the partitions
 * it holds rather than with what it reads. The cache and buffer manager are shared, so they are
 * never closed with a store.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** All stores' block cache, index and filter blocks and memtables together. */
    static final long TOTAL_OFF_HEAP_BYTES = 64L << 20;
    /** The part of it memtables may take before they are flushed. */
    static final long WRITE_BUFFER_BYTES = 16L << 20;
    private static final long MEMTABLE_BYTES = 4L << 20;

    private static final Cache CACHE;
    private static final WriteBufferManager WRITE_BUFFERS;

    static {
        RocksDB.loadLibrary();
        // A tenth of the cache is kept for index and filter blocks, so that data blocks do not evict them.
        CACHE = new LRUCache(TOTAL_OFF_HEAP_BYTES, -1, false, 0.1);
        WRITE_BUFFERS = new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the buffer manager are shared by every store: they live as long as the JVM.
    }
}
