package io.clipstream.topology.images;

import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.catalog.LabelMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * One flush's images in arrival order: each with its buffer sequence number, input, preparation and label matrix;
 * after {@link #encode} also its embedding. Images whose preparation failed ride along as failures in their place.
 */
final class ImageBatch {
    final long flushStartMs;
    final long startNanos;
    final List<Long> seqs = new ArrayList<>();
    final List<InputRecord> inputs = new ArrayList<>();
    final List<Preparation> prepared = new ArrayList<>();
    final List<LabelMatrix> matrices = new ArrayList<>();
    private final List<RgbCrop> crops = new ArrayList<>();
    private final List<Integer> pixelIndex = new ArrayList<>();
    float[][] embeddings;
    Future<?> encoding;

    ImageBatch(long flushStartMs, long startNanos) {
        this.flushStartMs = flushStartMs;
        this.startNanos = startNanos;
    }

    /** Adds an image: one for the tower when it is ready and has a matrix, else a failure in its place. */
    void add(long seq, InputRecord input, Preparation preparation, LabelMatrix matrix) {
        if (preparation instanceof Preparation.Ready ready && matrix != null) {
            pixelIndex.add(prepared.size());
            crops.add(ready.crop());
        }
        seqs.add(seq);
        inputs.add(input);
        prepared.add(preparation);
        matrices.add(matrix);
    }

    int size() {
        return seqs.size();
    }

    /** Runs the image tower over the ready images; a failure fails each of them, not the task. */
    void encode(ImageEncoder encoder) {
        embeddings = new float[prepared.size()][];
        if (crops.isEmpty()) {
            return;
        }
        try {
            float[][] rows = encoder.encodeImages(crops);
            for (int b = 0; b < rows.length; b++) {
                embeddings[pixelIndex.get(b)] = rows[b];
            }
        } catch (RuntimeException e) {
            failed(e);
        }
        crops.clear(); // the tower is done with them: let them go before the batch is emitted
    }

    /** Marks every image that went to the tower as a MODEL_ERROR. */
    void failed(Throwable e) {
        if (embeddings == null) {
            embeddings = new float[prepared.size()][];
        }
        for (int i : pixelIndex) {
            prepared.set(i, new Preparation.Failed(ErrorCode.MODEL_ERROR, Stage.EMBED, "image tower failed: " + e));
            embeddings[i] = null;
        }
    }
}
