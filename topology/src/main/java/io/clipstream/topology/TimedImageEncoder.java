package io.clipstream.topology;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import java.time.Duration;
import java.util.List;

/** An {@link ImageEncoder} that reports each image-tower batch (its size and time) to {@link PipelineMetrics}. */
final class TimedImageEncoder implements ImageEncoder {
    private final ImageEncoder encoder;
    private final PipelineMetrics metrics;

    TimedImageEncoder(ImageEncoder encoder, PipelineMetrics metrics) {
        this.encoder = encoder;
        this.metrics = metrics;
    }

    @Override
    public String modelId() {
        return encoder.modelId();
    }

    @Override
    public RgbCrop crop(byte[] imageBytes) throws ImageRejectedException {
        return encoder.crop(imageBytes);
    }

    @Override
    public float[][] encodeImages(List<RgbCrop> crops) {
        long start = System.nanoTime();
        float[][] embeddings = encoder.encodeImages(crops);
        metrics.batchEncoded(crops.size(), Duration.ofNanos(System.nanoTime() - start));
        return embeddings;
    }
}
