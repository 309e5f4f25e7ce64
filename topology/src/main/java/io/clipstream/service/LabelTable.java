package io.clipstream.service;

import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only view of the global label-embeddings store of running streams: how many label sets and labels it holds,
 * or empty while the store is not queryable (not started, still restoring). Keys are {@code <setId>/<label>}.
 */
public final class LabelTable {
    private final KafkaStreams streams;

    public LabelTable(KafkaStreams streams) {
        this.streams = streams;
    }

    public Optional<LabelCounts> counts() {
        Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>> store = store();
        if (store.isEmpty()) {
            return Optional.empty();
        }
        Set<String> sets = new HashSet<>();
        int labels = 0;
        try (KeyValueIterator<String, LabelEmbedding> it = store.get().all()) {
            while (it.hasNext()) {
                KeyValue<String, LabelEmbedding> kv = it.next();
                int slash = kv.key.indexOf('/');
                sets.add(slash < 0 ? kv.key : kv.key.substring(0, slash));
                labels++;
            }
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
        return Optional.of(new LabelCounts(sets.size(), labels));
    }

    /** The labels of {@code setId} held now (all versions), 0 when none or not queryable. */
    public int labelsOf(String setId) {
        Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>> store = store();
        if (store.isEmpty()) {
            return 0;
        }
        int count = 0;
        try (KeyValueIterator<String, LabelEmbedding> it =
                store.get().prefixScan(setId + "/", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        } catch (InvalidStateStoreException e) {
            return 0;
        }
        return count;
    }

    /** Every record of the store (all sets, all versions), or empty while it is not queryable. */
    public Optional<List<LabelEmbedding>> records() {
        Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>> store = store();
        if (store.isEmpty()) {
            return Optional.empty();
        }
        List<LabelEmbedding> all = new ArrayList<>();
        try (KeyValueIterator<String, LabelEmbedding> it = store.get().all()) {
            while (it.hasNext()) {
                KeyValue<String, LabelEmbedding> kv = it.next();
                if (kv.value != null) {
                    all.add(kv.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
        return Optional.of(all);
    }

    /** The global store through interactive queries, or empty while it is not queryable (not started, restoring). */
    Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>> store() {
        try {
            return Optional.of(streams.store(StoreQueryParameters.fromNameAndType(
                    LabelEmbeddingLoader.STORE, QueryableStoreTypes.keyValueStore())));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }
}
