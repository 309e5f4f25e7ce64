package io.clipstream.model.zeroshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * open_clip's zero-shot recipe ({@code build_zero_shot_classifier}): each label's prompt embeddings are
 * L2-normalised, averaged and normalised again; an image's logits are {@code scale · normalize(image) · labelsᵀ}
 * and its probabilities the softmax over the label set.
 */
public final class ZeroShotClassifier {
    /** The scale open_clip's zero-shot evaluation multiplies cosines by (the trained logit_scale is clamped there). */
    public static final float OPEN_CLIP_SCALE = 100f;

    private final List<String> labels;
    private final float[][] labelEmbeddings; // [labels][dim], unit length
    private final float logitScale;

    public ZeroShotClassifier(List<String> labels, float[][] labelEmbeddings, float logitScale) {
        if (labels.size() != labelEmbeddings.length || labels.isEmpty()) {
            throw new IllegalArgumentException("need one embedding per label and at least one label");
        }
        this.labels = List.copyOf(labels);
        this.labelEmbeddings = labelEmbeddings;
        this.logitScale = logitScale;
    }

    /** One label's classifier row from its prompts' raw text embeddings: mean of the normalised rows, normalised. */
    public static float[] ensemble(float[][] promptEmbeddings) {
        int dim = promptEmbeddings[0].length;
        double[] sum = new double[dim];
        for (float[] e : promptEmbeddings) {
            float[] unit = normalize(e);
            for (int i = 0; i < dim; i++) {
                sum[i] += unit[i];
            }
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = (float) (sum[i] / promptEmbeddings.length);
        }
        return normalize(mean);
    }

    /** {@code v / ‖v‖} (a zero vector stays zero). */
    public static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        if (norm == 0) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** Scores of one raw image embedding against every label, best first. */
    public List<Score> classify(float[] imageEmbedding) {
        float[] image = normalize(imageEmbedding);
        int n = labels.size();
        double[] cosine = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < n; l++) {
            double dot = 0;
            float[] label = labelEmbeddings[l];
            for (int i = 0; i < image.length; i++) {
                dot += (double) image[i] * label[i];
            }
            cosine[l] = dot;
            max = Math.max(max, logitScale * dot);
        }
        double total = 0;
        double[] exp = new double[n];
        for (int l = 0; l < n; l++) {
            exp[l] = Math.exp(logitScale * cosine[l] - max);
            total += exp[l];
        }
        List<Score> scores = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            scores.add(new Score(labels.get(l), (float) (exp[l] / total), (float) cosine[l]));
        }
        scores.sort(Comparator.comparingDouble(Score::probability).reversed());
        return scores;
    }

    public List<String> labels() {
        return labels;
    }

    /** A label's softmax probability and cosine similarity for one image. */
    public record Score(String label, float probability, float similarity) {
        @Override
        public String toString() {
            return label + "=" + probability + " (cos " + similarity + ")";
        }
    }
}
