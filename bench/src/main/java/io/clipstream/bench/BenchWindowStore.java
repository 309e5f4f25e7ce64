package io.clipstream.bench;

import io.clipstream.search.HalfVector;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchEntryCodec;
import io.clipstream.search.SearchWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The search window's store for {@code bench search}: a RocksDB database with Kafka Streams' default options for a
 * persistent key-value store (50 MB block cache, 4 KB blocks, bloom filters, no compression, universal compaction),
 * keys as 8-byte big-endian longs and values in the store's format, read back one key at a time as the service's
 * searches read theirs. Filled in batches without a write-ahead log (a bench's shortcut: the reads are what is
 * measured); deleted on close.
 */
final class BenchWindowStore implements SearchWindow.StoredVectors, AutoCloseable {
    private static final int BATCH = 10_000;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final LRUCache cache = new LRUCache(50L << 20);
    private final Options options;
    private final RocksDB db;
    private final WriteOptions noWal = new WriteOptions().setDisableWAL(true);
    private WriteBatch batch = new WriteBatch();

    BenchWindowStore(Path dir) throws RocksDBException {
        this.dir = dir;
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setBlockSize(4096L)
                .setFilterPolicy(new BloomFilter());
        options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setCompactionStyle(CompactionStyle.UNIVERSAL)
                .setWriteBufferSize(16L << 20)
                .setMaxWriteBufferNumber(3);
        db = RocksDB.open(options, dir.toString());
    }

    void put(long key, SearchEntry entry) throws RocksDBException {
        batch.put(key(key), SearchEntryCodec.encode(entry));
        if (batch.count() >= BATCH) {
            flush();
        }
    }

    /** Writes what is batched and flushes the memtables, so reads come from the files as after a restart. */
    void finish() throws RocksDBException {
        flush();
        try (org.rocksdb.FlushOptions f = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(f);
        }
    }

    @Override
    public HalfVector read(long key) {
        try {
            SearchEntry e = SearchEntryCodec.decode(db.get(key(key)));
            return e == null ? null : e.vector();
        } catch (RocksDBException e) {
            return null;
        }
    }

    /** Bytes of the database's files. */
    long diskBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush() throws RocksDBException {
        db.write(noWal, batch);
        batch.close();
        batch = new WriteBatch();
    }

    private static byte[] key(long key) {
        return ByteBuffer.allocate(Long.BYTES).putLong(key).array();
    }

    @Override
    public void close() throws IOException {
        batch.close();
        db.close();
        options.close();
        cache.close();
        noWal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
