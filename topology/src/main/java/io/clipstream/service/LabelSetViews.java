package io.clipstream.service;

import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.catalog.LabelMatrix;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code GET /v1/label-sets} shows of each label set: from the global store, the version the stream classifies
 * with (the newest complete one for this instance's model, chosen by {@link LabelCatalog#newestComplete}), its labels
 * and thresholds, topK and model id; and from this instance's encoder, the sets it is encoding now with their progress.
 */
public final class LabelSetViews {
    private LabelSetViews() {}

    /** One label of a ready set; {@code threshold} null: never flagged. */
    public record Label(String label, Float threshold) {}

    /** A version being encoded on this instance: {@code promptsEncoded} of {@code prompts} done. */
    public record Encoding(long version, long promptsEncoded, long prompts) {}

    /**
     * One label set.
     *
     * @param state    {@code ready} (a complete version is in the store), {@code encoding} (only being encoded here) or
     *                 {@code incomplete} (records in the store, no complete version yet: an update still arriving)
     * @param version  the version classified with when ready, else the newest seen
     * @param topK     the set's own topK, null for the service's {@code top.k}
     * @param labels   in set order (empty unless ready)
     * @param encoding a newer version this instance is encoding, or null
     */
    public record View(
            String id,
            String state,
            long version,
            String modelId,
            Integer topK,
            List<Label> labels,
            Encoding encoding) {
        public boolean ready() {
            return state.equals("ready");
        }
    }

    /** Views of every set in {@code records} (for {@code modelId}) and in {@code encoding}, by id. */
    public static List<View> of(
            List<LabelEmbedding> records, String modelId, List<LabelSetProgress.Encoding> encoding) {
        Map<String, List<LabelEmbedding>> bySet = new TreeMap<>();
        for (LabelEmbedding r : records) {
            if (r.getModelId().equals(modelId)) {
                bySet.computeIfAbsent(r.getLabelSetId(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, LabelSetProgress.Encoding> underWay = new LinkedHashMap<>();
        encoding.forEach(e -> underWay.put(e.setId(), e));
        List<View> views = new ArrayList<>();
        for (Map.Entry<String, List<LabelEmbedding>> set : bySet.entrySet()) {
            LabelSetProgress.Encoding e = underWay.remove(set.getKey());
            Encoding progress = e == null ? null : new Encoding(e.version(), e.encoded(), e.total());
            Optional<LabelMatrix> matrix = LabelCatalog.newestComplete(set.getKey(), modelId, set.getValue());
            if (matrix.isPresent()) {
                LabelMatrix m = matrix.get();
                List<Label> labels = new ArrayList<>(m.labels().size());
                for (int i = 0; i < m.labels().size(); i++) {
                    labels.add(new Label(m.labels().get(i), m.thresholds().get(i)));
                }
                views.add(new View(m.setId(), "ready", m.version(), modelId, m.topK(), labels, progress));
            } else {
                long newest = set.getValue().stream()
                        .mapToLong(LabelEmbedding::getLabelSetVersion)
                        .max()
                        .orElse(0);
                views.add(new View(
                        set.getKey(),
                        progress != null ? "encoding" : "incomplete",
                        newest,
                        modelId,
                        null,
                        List.of(),
                        progress));
            }
        }
        underWay.values()
                .forEach(e -> views.add(new View(
                        e.setId(),
                        "encoding",
                        e.version(),
                        modelId,
                        null,
                        List.of(),
                        new Encoding(e.version(), e.encoded(), e.total()))));
        views.sort(java.util.Comparator.comparing(View::id));
        return views;
    }
}
