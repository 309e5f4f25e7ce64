package io.clipstream.topology.labelsets;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Label;

/**
 * A label's embedding from its text and its example images. Each part is an ensemble: the normalised mean of its
 * normalised members (open_clip's prompt ensembling, applied to the examples too). The label's embedding is
 * {@code normalize((1 - w) * text + w * examples)} with {@code w} the label's {@code exampleWeight} (null:
 * {@value #DEFAULT_WEIGHT}); a label with only one part is that part. The weight is on the parts, not on each member,
 * so the text keeps its share however many examples a label has.
 */
public final class LabelBlend {
    /** The examples' weight when a label names none: text and examples count alike. */
    public static final float DEFAULT_WEIGHT = 0.5f;

    private LabelBlend() {}

    /** The weight of {@code label}'s examples against its text. */
    public static float weight(Label label) {
        return label.getExampleWeight() == null ? DEFAULT_WEIGHT : label.getExampleWeight();
    }

    /**
     * @param prompts  raw text-tower rows of the label's prompts; empty when it has none
     * @param examples raw image-tower rows of the label's examples; empty when it has none
     * @param weight   the examples' weight in [0, 1], used only when both parts are present
     */
    public static float[] of(float[][] prompts, float[][] examples, float weight) {
        if (examples.length == 0) {
            return ZeroShotClassifier.ensemble(prompts);
        }
        if (prompts.length == 0) {
            return ZeroShotClassifier.ensemble(examples);
        }
        float[] text = ZeroShotClassifier.ensemble(prompts);
        float[] images = ZeroShotClassifier.ensemble(examples);
        float[] mixed = new float[text.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = (1 - weight) * text[i] + weight * images[i];
        }
        return ZeroShotClassifier.normalize(mixed);
    }
}
