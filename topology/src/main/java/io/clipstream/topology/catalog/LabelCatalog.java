package io.clipstream.topology.catalog;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.LabelEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The classifier's view of the global {@code label-embeddings} store: one ready {@link LabelMatrix} per label set,
 * rebuilt only after the store loader reports a change to that set. A version is used only once all of its
 * {@code labelCount} records are present; while an update is half-applied the previous complete matrix stays in use.
 * A set with no records left is gone. Shared by every task of an instance (the loader runs on the global thread).
 */
public final class LabelCatalog {
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Map<String, LabelMatrix> ready = new HashMap<>();

    /** Called by the global store's loader after it wrote or deleted a record of {@code setId}. */
    public void markChanged(String setId) {
        changed.add(setId);
    }

    /** Forgets every matrix (the global store was restored from scratch). */
    public synchronized void clear() {
        ready.clear();
    }

    /** The matrix to classify with for {@code setId} under the model {@code modelId}, or empty if there is none. */
    public synchronized Optional<LabelMatrix> lookup(
            String setId, String modelId, ReadOnlyKeyValueStore<String, LabelEmbedding> store) {
        LabelMatrix current = ready.get(setId);
        if (current != null && !changed.contains(setId) && current.modelId().equals(modelId)) {
            return Optional.of(current);
        }
        changed.remove(setId); // before reading: a write after this point marks the set again
        List<LabelEmbedding> records = new ArrayList<>();
        try (KeyValueIterator<String, LabelEmbedding> it =
                store.prefixScan(setId + "/", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, LabelEmbedding> kv = it.next();
                if (kv.value != null && kv.value.getModelId().equals(modelId)) {
                    records.add(kv.value);
                }
            }
        }
        if (records.isEmpty()) {
            ready.remove(setId);
            return Optional.empty();
        }
        Optional<LabelMatrix> newest = newestComplete(setId, modelId, records);
        if (newest.isPresent()
                && (current == null
                        || !current.modelId().equals(modelId)
                        || newest.get().version() >= current.version())) {
            ready.put(setId, newest.get());
            return newest;
        }
        return current != null && current.modelId().equals(modelId) ? Optional.of(current) : Optional.empty();
    }

    /** The highest version whose records are all present (indices 0..count-1 each exactly once). */
    public static Optional<LabelMatrix> newestComplete(String setId, String modelId, List<LabelEmbedding> records) {
        TreeMap<Long, List<LabelEmbedding>> byVersion = new TreeMap<>();
        for (LabelEmbedding r : records) {
            byVersion
                    .computeIfAbsent(r.getLabelSetVersion(), v -> new ArrayList<>())
                    .add(r);
        }
        for (Map.Entry<Long, List<LabelEmbedding>> e : byVersion.descendingMap().entrySet()) {
            List<LabelEmbedding> rows = e.getValue();
            int count = rows.get(0).getLabelCount();
            if (count != rows.size()) {
                continue;
            }
            LabelEmbedding[] ordered = new LabelEmbedding[count];
            boolean complete = true;
            for (LabelEmbedding r : rows) {
                int i = r.getIndex();
                if (r.getLabelCount() != count || i < 0 || i >= count || ordered[i] != null) {
                    complete = false;
                    break;
                }
                ordered[i] = r;
            }
            if (complete) {
                return Optional.of(matrix(setId, e.getKey(), modelId, Arrays.asList(ordered)));
            }
        }
        return Optional.empty();
    }

    private static LabelMatrix matrix(String setId, long version, String modelId, List<LabelEmbedding> ordered) {
        List<String> labels = new ArrayList<>(ordered.size());
        List<Float> thresholds = new ArrayList<>(ordered.size());
        float[][] unit = new float[ordered.size()][];
        for (int i = 0; i < unit.length; i++) {
            LabelEmbedding r = ordered.get(i);
            labels.add(r.getLabel());
            thresholds.add(r.getThreshold());
            List<Float> values = r.getEmbedding();
            unit[i] = new float[values.size()];
            for (int j = 0; j < unit[i].length; j++) {
                unit[i][j] = values.get(j);
            }
        }
        return new LabelMatrix(
                setId,
                version,
                modelId,
                labels,
                thresholds,
                ordered.get(0).getTopK(),
                new ZeroShotClassifier(labels, unit, ZeroShotClassifier.OPEN_CLIP_SCALE));
    }
}
