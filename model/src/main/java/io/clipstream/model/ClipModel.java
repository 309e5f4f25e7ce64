package io.clipstream.model;

import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.ModelDirectory;
import io.clipstream.model.graph.ClipGraph;
import io.clipstream.model.image.ClipPreprocessor;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import io.clipstream.model.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCLIP roberta-ViT-B-32 as one object: preprocessing, tokenizer and both SameDiff towers, loaded from a
 * {@link ModelDirectory}. {@code encodeImages} / {@code encodeTexts} return what open_clip's
 * {@code encode_image} / {@code encode_text} return (raw, not normalised). Thread-safe.
 */
public final class ClipModel {
    private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);
    /** Prompts per text-tower call; prompts are sorted by token count so a batch pads little. */
    public static final int TEXT_BATCH = 32;

    private final String id;
    private final ClipGraph graph;
    private final ClipTokenizer tokenizer;
    private final ClipPreprocessor preprocessor;
    /** Each thread's array for one image's tensor on its way into a batch ({@link #encodeCrops}). */
    private final ThreadLocal<float[]> imageTensor = new ThreadLocal<>();

    public ClipModel(String id, ClipGraph graph, ClipTokenizer tokenizer, ClipPreprocessor preprocessor) {
        this.id = id;
        this.graph = graph;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
    }

    /** Loads the model in {@code dir} with the decoder's default byte and pixel limits. */
    public static ClipModel load(Path dir) throws IOException {
        return load(dir, new ImageDecoder());
    }

    public static ClipModel load(Path dir, ImageDecoder decoder) throws IOException {
        return load(dir, decoder, Duration.ZERO);
    }

    /**
     * Loads the model in {@code dir}; the text tower's weights are freed after {@code textIdle} without use and read
     * again from the checkpoint on the next text (zero: kept in memory for good).
     */
    public static ClipModel load(Path dir, ImageDecoder decoder, Duration textIdle) throws IOException {
        long start = System.nanoTime();
        ModelDirectory folder = new ModelDirectory(dir);
        ClipConfig config = folder.config();
        Path weights = folder.weights();
        String id = ModelId.of(weights);
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        ClipGraph graph = ClipGraph.load(config, weights, textIdle);
        LOG.info("model {} loaded from {} in {} ms", id, weights, (System.nanoTime() - start) / 1_000_000);
        return new ClipModel(id, graph, tokenizer, new ClipPreprocessor(config.preprocess(), decoder));
    }

    /**
     * Resident memory (bytes) above which an inference asks the JVM for a collection, so that ND4J's unreferenced
     * off-heap arrays are freed; 0 (the default): 1.25 × the resident memory after the first inference, at least + 128 MB.
     */
    public void limitResidentMemory(long bytes) {
        graph.limitResidentMemory(bytes);
    }

    /** Collections {@link #limitResidentMemory the resident-memory limit} has asked for so far. */
    public long memoryCollections() {
        return graph.memoryCollections();
    }

    /** Whether the text tower's weights are in memory now (see {@link #load(Path, ImageDecoder, Duration)}). */
    public boolean textTowerLoaded() {
        return graph.textTowerLoaded();
    }

    /** No text left to encode for now: a text tower that is freed when idle goes after a short grace instead. */
    public void textTowerIdleNow() {
        graph.textTowerIdleNow();
    }

    /** How many times the text tower was read again from the checkpoint after being freed. */
    public long textTowerReloads() {
        return graph.textTowerReloads();
    }

    /** Writes a tiny random-weight model in the real on-disk format into {@code dir}; see {@link TinyModel}. */
    public static Path writeTinyRandomModel(Path dir, long seed) throws IOException {
        return TinyModel.write(dir, seed);
    }

    /** Identifies the weights: the model name and a prefix of the checkpoint's SHA-256. */
    public String id() {
        return id;
    }

    public int embedDim() {
        return graph.config().embedDim();
    }

    public ClipConfig config() {
        return graph.config();
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipPreprocessor preprocessor() {
        return preprocessor;
    }

    /** Decodes, resizes, crops and normalises one image: [3, S, S] floats, CHW. */
    public float[] preprocess(byte[] imageBytes) throws ImageRejectedException {
        return preprocessor.preprocess(imageBytes);
    }

    /** Raw image embeddings, one row per preprocessed image, in one batch. */
    public float[][] encodeImages(List<float[]> preprocessed) {
        int per = preprocessor.tensorLength();
        float[] batch = new float[preprocessed.size() * per];
        for (int i = 0; i < preprocessed.size(); i++) {
            System.arraycopy(preprocessed.get(i), 0, batch, i * per, per);
        }
        return encodeImages(batch, preprocessed.size());
    }

    /** Decodes, resizes and crops one image: the 8-bit RGB crop that {@link #encodeCrops} turns into a tensor. */
    public RgbCrop crop(byte[] imageBytes) throws ImageRejectedException {
        return preprocessor.crop(imageBytes);
    }

    /**
     * Raw image embeddings, one row per crop, in one batch. Each crop's tensor is made in one array kept by the
     * calling thread and copied into its place in the batch's off-heap tensor, so a batch of any size allocates
     * nothing large on the heap (an 8-image batch array is 4.8 MB: a humongous allocation every time).
     */
    public float[][] encodeCrops(List<RgbCrop> crops) {
        if (crops.isEmpty()) {
            return new float[0][];
        }
        int side = preprocessor.config().imageSize();
        float[] tensor = imageTensor.get();
        if (tensor == null) {
            tensor = new float[preprocessor.tensorLength()];
            imageTensor.set(tensor);
        }
        INDArray batch = Nd4j.createUninitialized(DataType.FLOAT, crops.size(), 3, side, side);
        try {
            for (int i = 0; i < crops.size(); i++) {
                preprocessor.toTensor(crops.get(i), tensor, 0);
                try (INDArray image = Nd4j.create(tensor, new long[] {3, side, side}, 'c')) {
                    batch.slice(i).assign(image);
                }
            }
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
        return graph.encodeImages(batch);
    }

    /** Raw image embeddings of {@code count} images laid out [count, 3, S, S] in one array. */
    public float[][] encodeImages(float[] pixels, int count) {
        if (count == 0) {
            return new float[0][];
        }
        return graph.encodeImages(pixels, count);
    }

    /** Raw text embeddings, one row per prompt: tokenized, then run at real length in batches of similar length. */
    public float[][] encodeTexts(List<String> prompts) {
        int[][] ids = new int[prompts.size()][];
        Integer[] order = new Integer[prompts.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encodeUnpadded(prompts.get(i));
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
        float[][] out = new float[ids.length][];
        for (int from = 0; from < order.length; from += TEXT_BATCH) {
            int to = Math.min(order.length, from + TEXT_BATCH);
            List<int[]> rows = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                rows.add(ids[order[k]]);
            }
            float[][] embeddings = graph.encodeTexts(rows.toArray(new int[0][]));
            for (int k = from; k < to; k++) {
                out[order[k]] = embeddings[k - from];
            }
        }
        return out;
    }

    /** Raw text embeddings of token-id rows (as {@code tokenize} prints them; padding optional). */
    public float[][] encodeTokenIds(int[][] ids) {
        return graph.encodeTexts(ids);
    }
}
