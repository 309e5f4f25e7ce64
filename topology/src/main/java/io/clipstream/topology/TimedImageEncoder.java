package io.clipstream.topology;

import io.clipstream.model.image.ImageRejectedException;
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
    public float[] preprocess(byte[] imageBytes) throws ImageRejectedException {
        return encoder.preprocess(imageBytes);
    }

    @Override
    public float[][] encodeImages(List<float[]> preprocessed) {
        long start = System.nanoTime();
        float[][] embeddings = encoder.encodeImages(preprocessed);
        metrics.batchEncoded(preprocessed.size(), Duration.ofNanos(System.nanoTime() - start));
        return embeddings;
    }
}
