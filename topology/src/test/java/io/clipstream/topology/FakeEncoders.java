package io.clipstream.topology;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoders for processor unit tests, where the numbers do not matter: an image's "pixels" are its first byte,
 * bytes starting with 'X' are corrupt, and a text's embedding is a fixed direction. Records what it is asked.
 */
public final class FakeEncoders implements ImageEncoder, TextEncoder {
    public final List<List<Float>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** While set, the image tower waits for it to be opened (to hold a batch "in the tower"). */
    public volatile java.util.concurrent.CountDownLatch towerGate;

    public final java.util.concurrent.atomic.AtomicInteger preprocessed =
            new java.util.concurrent.atomic.AtomicInteger();
    public final List<String> prompts = new ArrayList<>();
    public boolean textTowerBroken;
    /** Run at each text-tower call (to let a fake clock advance). */
    public Runnable onEncode = () -> {};

    @Override
    public String modelId() {
        return "fake";
    }

    @Override
    public RgbCrop crop(byte[] bytes) throws ImageRejectedException {
        if (bytes.length > 0 && bytes[0] == 'X') {
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, "starts with X");
        }
        preprocessed.incrementAndGet();
        return new RgbCrop(1, new byte[] {bytes.length == 0 ? 0 : bytes[0], 0, 0});
    }

    @Override
    public float[][] encodeImages(List<RgbCrop> crops) {
        java.util.concurrent.CountDownLatch gate = towerGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<Float> batch = new ArrayList<>();
        float[][] rows = new float[crops.size()][];
        for (int i = 0; i < rows.length; i++) {
            float first = crops.get(i).pixels()[0];
            batch.add(first);
            rows[i] = new float[] {first, 1};
        }
        batches.add(batch);
        return rows;
    }

    @Override
    public float[][] encodeTexts(List<String> texts) {
        if (textTowerBroken) {
            throw new IllegalStateException("text tower broken");
        }
        onEncode.run();
        prompts.addAll(texts);
        float[][] rows = new float[texts.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {texts.get(i).length(), 1};
        }
        return rows;
    }
}
