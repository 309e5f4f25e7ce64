package io.clipstream.topology.catalog;

import io.clipstream.schemas.LabelEmbedding;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global store {@value #STORE} equal to the {@code label-embeddings} topic and tells the
 * {@link LabelCatalog} which label set changed, so the classifier rebuilds only that set's matrix.
 */
public final class LabelEmbeddingLoader implements Processor<String, LabelEmbedding, Void, Void> {
    public static final String STORE = "label-embeddings-store";
    private final LabelCatalog catalog;
    private KeyValueStore<String, LabelEmbedding> store;

    public LabelEmbeddingLoader(LabelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
        catalog.clear(); // the store was (re)loaded without passing through process()
    }

    @Override
    public void process(Record<String, LabelEmbedding> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(key);
        } else {
            store.put(key, record.value());
        }
        int slash = key.indexOf('/');
        catalog.markChanged(slash < 0 ? key : key.substring(0, slash));
    }
}
