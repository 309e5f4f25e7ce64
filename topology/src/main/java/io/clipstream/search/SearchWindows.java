package io.clipstream.search;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The windows of the tasks this instance runs now, by input partition: the stream's processors register theirs
 * when their task starts (after restoring it) and remove it when the task closes or moves; searches read them all.
 */
public final class SearchWindows {
    private final Map<Integer, SearchWindow> byPartition = new ConcurrentHashMap<>();
    private volatile StoreReader store = (partition, key) -> null;

    /** Reads a value of the window store ({@link SearchWindowProcessor#STORE}) from any thread. */
    @FunctionalInterface
    public interface StoreReader {
        /** The value under {@code key} in the store of input partition {@code partition}, or null. */
        byte[] read(int partition, long key);
    }

    /** Lets the windows read their stored vectors through {@code reader} (the service's interactive queries). */
    public void readStoreWith(StoreReader reader) {
        this.store = reader;
    }

    /** The half-precision vector stored under {@code key} for {@code partition}, or null when it cannot be read. */
    HalfVector stored(int partition, long key) {
        SearchEntry e = SearchEntryCodec.decode(store.read(partition, key));
        return e == null ? null : e.vector();
    }

    void register(int partition, SearchWindow window) {
        byPartition.put(partition, window);
    }

    void unregister(int partition, SearchWindow window) {
        byPartition.remove(partition, window);
    }

    /** The windows held now. */
    public List<SearchWindow> all() {
        return List.copyOf(byPartition.values());
    }

    /** The partitions whose windows this instance holds now, in order. */
    public List<Integer> partitions() {
        return List.copyOf(new TreeMap<>(byPartition).keySet());
    }

    /** Images held in all windows. */
    public long size() {
        return byPartition.values().stream().mapToLong(SearchWindow::size).sum();
    }
}
