package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Both CLIP towers in one SameDiff graph, built from a checkpoint. Loading is strict, as in open_clip: every
 * tensor must be used with the expected shape and nothing may be left over. One instance serves several
 * threads: each call runs its own inference session.
 */
public final class ClipGraph {
    private final SameDiff sd;
    private final ClipConfig config;
    private final float logitScale;
    private final ResidentMemoryGuard memoryGuard = new ResidentMemoryGuard();

    private ClipGraph(SameDiff sd, ClipConfig config, float logitScale) {
        this.sd = sd;
        this.config = config;
        this.logitScale = logitScale;
    }

    public static ClipGraph build(ClipConfig config, StateDict weights) throws IOException {
        SameDiff sd = SameDiff.create();
        // The default ThreadSafeArrayHolder keeps every constant twice (the array given and a per-device copy;
        // docs/nd4j.md#memory). Constants are only written here, while building, and only read afterwards, so
        // plain holders are safe for concurrent inference sessions.
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        VisionTower.build(sd, weights, config.vision(), config.embedDim(), config.quickGelu());
        TextTower.build(sd, weights, config.text(), config.embedDim(), config.textProjectionHidden());
        float logitScale = weights.take("logit_scale").data()[0];
        weights.requireAllTaken();
        // The checkpoint's float arrays and their rearranged copies (read one tensor at a time from a safetensors
        // file, all at once from a zip checkpoint or generated weights) are garbage now. One full collection lets G1
        // give that heap back to the OS.
        System.gc();
        return new ClipGraph(sd, config, logitScale);
    }

    /**
     * Image embeddings [batch][embed_dim] of preprocessed pixels laid out [batch, 3, S, S].
     */
    public float[][] encodeImages(float[] pixels, int batch) {
        int side = config.vision().imageSize();
        if (batch <= 0 || pixels.length < (long) batch * 3 * side * side) {
            throw new IllegalArgumentException("pixels hold fewer than " + batch + " images of 3x" + side + "x" + side);
        }
        int length = batch * 3 * side * side;
        float[] exact = pixels.length == length ? pixels : Arrays.copyOf(pixels, length);
        INDArray in = Nd4j.create(exact, new long[]{batch, 3, side, side}, 'c');
        return run(Map.of(VisionTower.INPUT, in), VisionTower.OUTPUT);
    }

    /** Text embeddings [rows][embed_dim] of token-id rows (any lengths up to the context length, padding optional). */
    public float[][] encodeTexts(int[][] ids) {
        if (ids.length == 0) {
            return new float[0][];
        }
        for (int[] row : ids) {
            if (row.length == 0 || row.length > config.text().contextLength()) {
                throw new IllegalArgumentException("token rows must hold 1.." + config.text().contextLength() + " ids");
            }
            for (int id : row) {
                if (id < 0 || id >= config.text().vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + config.text().vocabSize());
                }
            }
        }
        return run(TextBatch.inputs(ids, config.text().padId()), TextTower.OUTPUT);
    }

    /** {@code exp(logit_scale)}, the temperature open_clip multiplies cosine similarities by (≈100 after training). */
    public float logitScale() {
        return (float) Math.exp(logitScale);
    }

    public ClipConfig config() {
        return config;
    }

    /**
     * Runs one inference and frees its input and output arrays at once. Their off-heap memory would otherwise wait
     * for the garbage collector to find the small Java wrappers, which with a quiet heap can take many batches
     * (docs/nd4j.md#memory).
     */
    private float[][] run(Map<String, INDArray> inputs, String output) {
        try {
            INDArray out = sd.output(inputs, output).get(output);
            try {
                return out.toFloatMatrix();
            } finally {
                release(out);
            }
        } finally {
            inputs.values().forEach(ClipGraph::release);
            memoryGuard.afterInference(System.nanoTime());
        }
    }

    /**
     * Resident memory (bytes) above which an inference asks the JVM for a collection, so that the off-heap memory
     * of ND4J arrays nothing references any more is freed (at most once per 10 s); 0, the default, means
     * 1.25 × the resident memory after the first inference (at least + 128 MB), raised when a trim shows more is
     * held. See {@link ResidentMemoryGuard}.
     */
    public void limitResidentMemory(long bytes) {
        memoryGuard.limit(bytes);
    }

    /** Collections the resident-memory limit has asked for so far. */
    public long memoryCollections() {
        return memoryGuard.collections();
    }

    private static void release(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }
}
