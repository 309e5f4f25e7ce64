package io.clipstream.topology;

import io.clipstream.model.zeroshot.ZeroShotClassifier;

import java.util.List;

/**
 * One complete version of a label set, ready to score images: the labels in set order, their unit embeddings
 * inside a {@link ZeroShotClassifier}, and each label's threshold (null: never flagged).
 */
public record LabelMatrix(String setId, long version, String modelId, List<String> labels, List<Float> thresholds,
                          ZeroShotClassifier classifier) {

    public LabelMatrix {
        labels = List.copyOf(labels);
        thresholds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(thresholds));
    }
}
