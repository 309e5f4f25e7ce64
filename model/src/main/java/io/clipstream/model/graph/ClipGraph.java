package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.runtime.ResidentMemoryGuard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Both CLIP towers, each in a SameDiff graph of its own, built from a checkpoint; which implementation each tower
 * has, the {@link TowerFactory} picks from the config. Loading is strict, as in
 * open_clip: every tensor must be used with the expected shape and nothing may be left over. The text tower may be
 * freed while unused and built again from the checkpoint ({@link #load}). One instance serves several threads: each
 * call runs its own inference session.
 */
public final class ClipGraph implements AutoCloseable {
    private static final String TEXT = "text.";
    private final TowerGraph image;
    private final TextTowerSlot text;
    private final ClipConfig config;
    private final VisionTowerType imageType;
    private final TextTowerType textType;
    private final TokenTable tokens;
    private final float logitScale;
    private final ResidentMemoryGuard memoryGuard;

    private ClipGraph(Towers towers, TextTowerSlot text, ClipConfig config, ResidentMemoryGuard memoryGuard) {
        this.image = towers.image;
        this.imageType = towers.imageType;
        this.textType = towers.textType;
        this.tokens = towers.tokens;
        this.text = text;
        this.config = config;
        this.logitScale = towers.logitScale;
        this.memoryGuard = memoryGuard;
    }

    /** Both towers from {@code weights}, kept for good. */
    public static ClipGraph build(ClipConfig config, StateDict weights) throws IOException {
        Towers towers = Towers.build(config, weights);
        return new ClipGraph(towers, TextTowerSlot.resident(towers.text), config, new ResidentMemoryGuard());
    }

    /**
     * Both towers from the checkpoint file; the text tower is freed after {@code textIdle} unused and read again
     * from the file when next needed (zero: kept for good).
     */
    public static ClipGraph load(ClipConfig config, Path checkpoint, Duration textIdle) throws IOException {
        Towers towers = Towers.build(config, StateDict.read(checkpoint));
        TextTowerSlot.Loader again = () -> {
            StateDict textWeights = StateDict.read(checkpoint).only(TEXT);
            textWeights.discard(towers.textType.tokenTableKey()); // still in its file (TokenTable)
            TowerGraph graph = TowerGraph.build(sd -> towers.textType.build(sd, textWeights, config));
            textWeights.requireAllTaken();
            System.gc();
            return graph;
        };
        // the guard's automatic limit follows the text tower's 0.34 GB out and in
        ResidentMemoryGuard guard = new ResidentMemoryGuard();
        return new ClipGraph(
                towers, TextTowerSlot.unloading(towers.text, again, textIdle, guard::holdingsChanged), config, guard);
    }

    /**
     * The towers the config names ({@link TowerFactory}), built from {@code weights}, and the text tower's token table,
     * kept in a file for the life of the model (it is not freed with the text tower: it holds no memory).
     */
    private record Towers(
            VisionTowerType imageType,
            TowerGraph image,
            TextTowerType textType,
            TokenTable tokens,
            TowerGraph text,
            float logitScale) {
        static Towers build(ClipConfig config, StateDict weights) throws IOException {
            VisionTowerType imageType = TowerFactory.vision(config);
            TextTowerType textType = TowerFactory.text(config);
            TowerGraph image = TowerGraph.build(sd -> imageType.build(sd, weights, config));
            TokenTable tokens = TokenTable.spill(weights.take(
                    textType.tokenTableKey(),
                    config.text().vocabSize(),
                    config.text().hidden()));
            TowerGraph text = TowerGraph.build(sd -> textType.build(sd, weights, config));
            float logitScale = weights.take("logit_scale").data()[0];
            weights.requireAllTaken();
            // The checkpoint's float arrays and their rearranged copies (read one tensor at a time from the
            // checkpoint file, zip or safetensors; all at once only for generated weights) are garbage now. One
            // full collection lets G1 give that heap back to the OS.
            System.gc();
            return new Towers(imageType, image, textType, tokens, text, logitScale);
        }
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
        return encodeImages(Nd4j.create(exact, new long[] {batch, 3, side, side}, 'c'));
    }

    /** Image embeddings [batch][embed_dim] of preprocessed pixels [batch, 3, S, S]; the array is closed after use. */
    public float[][] encodeImages(INDArray pixels) {
        int side = config.vision().imageSize();
        long[] shape = pixels.shape();
        if (shape.length != 4 || shape[0] <= 0 || shape[1] != 3 || shape[2] != side || shape[3] != side) {
            pixels.close();
            throw new IllegalArgumentException(
                    "pixels of shape " + Arrays.toString(shape) + " are not [batch, 3, " + side + ", " + side + "]");
        }
        Map<String, INDArray> in = imageType.inputs(pixels, config);
        try {
            return image.run(in);
        } finally {
            memoryGuard.afterInference(System.nanoTime());
        }
    }

    /** Text embeddings [rows][embed_dim] of token-id rows (any lengths up to the context length, padding optional). */
    public float[][] encodeTexts(int[][] ids) {
        if (ids.length == 0) {
            return new float[0][];
        }
        for (int[] row : ids) {
            if (row.length == 0 || row.length > config.text().contextLength()) {
                throw new IllegalArgumentException(
                        "token rows must hold 1.." + config.text().contextLength() + " ids");
            }
            for (int id : row) {
                if (id < 0 || id >= config.text().vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of "
                            + config.text().vocabSize());
                }
            }
        }
        TowerGraph tower = text.acquire();
        try {
            return tower.run(textType.inputs(ids, config, tokens));
        } finally {
            text.release();
            memoryGuard.afterInference(System.nanoTime());
        }
    }

    /** {@code exp(logit_scale)}, the temperature open_clip multiplies cosine similarities by (≈100 after training). */
    public float logitScale() {
        return (float) Math.exp(logitScale);
    }

    public ClipConfig config() {
        return config;
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

    /** Arrays the image tower's runs left behind and freed at once (see {@link TowerGraph#run}). */
    long imageLeftoversFreed() {
        return image.leftoversFreed();
    }

    /** The same for the text tower now in memory. */
    long textLeftoversFreed() {
        TowerGraph tower = text.acquire();
        try {
            return tower.leftoversFreed();
        } finally {
            text.release();
        }
    }

    /**
     * The caller has no text left to encode for now: a text tower that may be freed is freed after a short grace
     * rather than the whole idle time, unless it is used again meanwhile.
     */
    public void textTowerIdleNow() {
        text.idleNow();
    }

    /** Whether the text tower's weights are in memory now. */
    public boolean textTowerLoaded() {
        return text.loaded();
    }

    /** How many times the text tower was read again from the checkpoint after being freed. */
    public long textTowerReloads() {
        return text.reloads();
    }

    /** Stops the text tower's idle timer; the towers stay usable. */
    @Override
    public void close() {
        text.close();
    }
}
