package io.clipstream.topology.catalog;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.util.List;

/**
 * One complete version of a label set, ready to score images: the labels in set order, their unit embeddings
 * inside a {@link ZeroShotClassifier}, each label's threshold (null: never flagged) and the set's topK (null: the
 * service's default).
 */
public record LabelMatrix(
        String setId,
        long version,
        String modelId,
        List<String> labels,
        List<Float> thresholds,
        Integer topK,
        ZeroShotClassifier classifier) {

    public LabelMatrix {
        labels = List.copyOf(labels);
        thresholds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(thresholds));
    }

    /** The set's own topK, else {@code fallback}. */
    public int topK(int fallback) {
        return topK != null ? topK : fallback;
    }
}
