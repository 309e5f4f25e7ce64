package io.clipstream.topology;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageRejectedException;
import java.util.List;

/** Both encoders backed by one loaded {@link ClipModel}: the thin seam between the topology and the model module. */
public final class ClipEncoders implements ImageEncoder, TextEncoder {
    private final ClipModel model;

    public ClipEncoders(ClipModel model) {
        this.model = model;
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public float[] preprocess(byte[] imageBytes) throws ImageRejectedException {
        return model.preprocess(imageBytes);
    }

    @Override
    public float[][] encodeImages(List<float[]> preprocessed) {
        return model.encodeImages(preprocessed);
    }

    @Override
    public float[][] encodeTexts(List<String> prompts) {
        return model.encodeTexts(prompts);
    }

    @Override
    public void idleNow() {
        model.textTowerIdleNow();
    }
}
