package io.clipstream.topology;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
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
    public RgbCrop crop(byte[] imageBytes) throws ImageRejectedException {
        return model.crop(imageBytes);
    }

    @Override
    public float[][] encodeImages(List<RgbCrop> crops) {
        return model.encodeCrops(crops);
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
