package io.clipstream.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a task's searchable window: each classified image goes into the changelogged store {@value #STORE} (key: a
 * sequence number, so the store iterates oldest first) and into the task's in-memory {@link SearchWindow}, which is
 * rebuilt from the store when the task starts (after a restart or a move, from the changelog). Images leave both by
 * {@link SearchSettings}' retention and count, checked on every image and once a second of wall-clock time.
 *
 * @param <V> what the stream carries; {@code toEntry} makes the entry (null: nothing to keep)
 */
public final class SearchWindowProcessor<V> implements Processor<byte[], V, Void, Void> {
    public static final String STORE = "search-window";
    static final Duration EVICT_EVERY = Duration.ofSeconds(1);
    private final SearchSettings settings;
    private final SearchWindows windows;
    private final Function<V, SearchEntry> toEntry;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Long, byte[]> store;
    private SearchWindow window;
    private int partition;
    private long nextKey;

    public SearchWindowProcessor(SearchSettings settings, SearchWindows windows, Function<V, SearchEntry> toEntry) {
        this.settings = settings;
        this.windows = windows;
        this.toEntry = toEntry;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        this.partition = context.taskId().partition();
        this.window = new SearchWindow(key -> windows.stored(partition, key));
        List<Long> unreadable = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                nextKey = Math.max(nextKey, kv.key + 1);
                SearchEntry entry = SearchEntryCodec.decode(kv.value);
                if (entry == null) {
                    unreadable.add(kv.key);
                    continue;
                }
                long replaced = window.append(kv.key, entry);
                if (replaced >= 0) {
                    unreadable.add(replaced);
                }
            }
        }
        unreadable.forEach(store::delete);
        evict(context.currentSystemTimeMs());
        windows.register(partition, window);
        context.schedule(EVICT_EVERY, PunctuationType.WALL_CLOCK_TIME, this::evict);
    }

    @Override
    public void process(Record<byte[], V> record) {
        SearchEntry entry = record.value() == null ? null : toEntry.apply(record.value());
        if (entry == null) {
            return;
        }
        long key = nextKey++;
        store.put(key, SearchEntryCodec.encode(entry));
        long replaced = window.append(key, entry);
        if (replaced >= 0) {
            store.delete(replaced);
        }
        evict(context.currentSystemTimeMs());
    }

    private void evict(long nowMs) {
        window.evict(nowMs, settings.retention(), settings.maxImages()).forEach(store::delete);
    }

    @Override
    public void close() {
        windows.unregister(partition, window);
    }
}
