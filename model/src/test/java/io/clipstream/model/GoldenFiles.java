package io.clipstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the golden fixtures that {@code src/test/python/make_model_golden.py} wrote from a PyTorch reference:
 * the tiny model folder, its golden inputs and outputs (raw float32 little-endian, shapes in {@code golden.json}),
 * and the checkpoint-format variants. Golden outputs are float64 results rounded to float32.
 */
public final class GoldenFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenFiles() {}

    /** {@code tiny-model/}: open_clip_pytorch_model.bin, open_clip_config.json, config.json, tokenizer files. */
    public static Path tinyModelDir() {
        return resource("tiny-model");
    }

    /** {@code tiny-model/golden/}: images.f32, image_embeddings.f32, text_ids.json, golden.json, ... */
    public static Path goldenDir() {
        return tinyModelDir().resolve("golden");
    }

    /** {@code checkpoints/}: the same weights in other checkpoint layouts, and malicious files. */
    public static Path checkpointsDir() {
        return resource("checkpoints");
    }

    /** A golden float32 file by name, e.g. {@code golden("image_embeddings.f32")}. */
    public static float[] golden(String file) {
        float[] values = readFloats(goldenDir().resolve(file));
        long expected = 1;
        for (long d : goldenShape(file)) expected *= d;
        if (values.length != expected) {
            throw new IllegalStateException(file + " holds " + values.length + " floats, golden.json says " + expected);
        }
        return values;
    }

    /** The shape golden.json records for a golden file. */
    public static long[] goldenShape(String file) {
        JsonNode shape = json(goldenDir().resolve("golden.json"))
                .path("files")
                .path(file)
                .path("shape");
        if (!shape.isArray()) throw new IllegalArgumentException("no golden file " + file);
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).asLong();
        return dims;
    }

    /** The token-id rows the golden text embeddings were computed from: each of length 77, padded with 1. */
    public static int[][] textIds() {
        JsonNode rows = json(goldenDir().resolve("text_ids.json")).path("ids");
        int[][] ids = new int[rows.size()][];
        for (int r = 0; r < ids.length; r++) {
            ids[r] = new int[rows.get(r).size()];
            for (int c = 0; c < ids[r].length; c++)
                ids[r][c] = rows.get(r).get(c).asInt();
        }
        return ids;
    }

    /** Raw float32 little-endian values. */
    public static float[] readFloats(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        URL url = GoldenFiles.class.getResource("/" + name);
        if (url == null) throw new IllegalStateException("test resource folder " + name + " is not on the classpath");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
