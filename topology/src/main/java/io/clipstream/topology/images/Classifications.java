package io.clipstream.topology.images;

import io.clipstream.model.zeroshot.ZeroShotClassifier.Score;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelScore;
import io.clipstream.topology.catalog.LabelMatrix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores one image embedding against a {@link LabelMatrix}: the topK labels by probability, and every label whose
 * cosine similarity reached its threshold (best first), stamped with the set version and model id used.
 */
public final class Classifications {
    private Classifications() {}

    public static Classification of(
            ImageEvent event, LabelMatrix matrix, float[] imageEmbedding, int topK, long nowMs) {
        List<Score> scores = matrix.classifier().classify(imageEmbedding);
        Map<String, Float> thresholds = new java.util.HashMap<>();
        for (int i = 0; i < matrix.labels().size(); i++) {
            thresholds.put(matrix.labels().get(i), matrix.thresholds().get(i));
        }
        List<LabelScore> top = new ArrayList<>();
        List<LabelScore> flagged = new ArrayList<>();
        for (Score s : scores) {
            LabelScore score = new LabelScore(s.label(), s.similarity(), s.probability());
            if (top.size() < topK) {
                top.add(score);
            }
            Float threshold = thresholds.get(s.label());
            if (threshold != null && s.similarity() >= threshold) {
                flagged.add(score);
            }
        }
        return Classification.newBuilder()
                .setImageId(event.getId())
                .setLabelSet(matrix.setId())
                .setLabelSetVersion(matrix.version())
                .setModelId(matrix.modelId())
                .setTop(top)
                .setFlagged(flagged)
                .setEventTime(event.getEventTime())
                .setProcessingTime(Instant.ofEpochMilli(nowMs))
                .setAttributes(event.getAttributes())
                .build();
    }
}
