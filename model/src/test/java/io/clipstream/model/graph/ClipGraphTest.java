package io.clipstream.model.graph;

import static io.clipstream.model.GoldenFiles.golden;
import static io.clipstream.model.GoldenFiles.goldenShape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.GoldenFiles;
import io.clipstream.model.checkpoint.CheckpointException;
import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.ModelDirectory;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both towers of the tiny random-weight checkpoint against the float64 PyTorch reference
 * (model/src/test/python/make_model_golden.py): relative L2 error under 1e-5.
 */
class ClipGraphTest {
    private static ClipGraph graph;

    @BeforeAll
    static void load() throws Exception {
        ModelDirectory dir = new ModelDirectory(GoldenFiles.tinyModelDir());
        graph = ClipGraph.build(dir.config(), StateDict.read(dir.weights()));
    }

    @Test
    void imageEmbeddingsMatchTheReference() {
        long[] shape = goldenShape("images.f32");
        float[][] actual = graph.encodeImages(golden("images.f32"), (int) shape[0]);
        assertClose(actual, golden("image_embeddings.f32"));
    }

    @Test
    void imagesGiveTheSameEmbeddingAloneAsInABatch() {
        float[] images = golden("images.f32");
        int per = images.length / 3;
        float[][] batch = graph.encodeImages(images, 3);
        float[][] single = graph.encodeImages(Arrays.copyOfRange(images, per, 2 * per), 1);
        assertThat(relativeError(single[0], batch[1])).isLessThan(1e-6);
    }

    @Test
    void twoThreadsSharingTheGraphGetTheSameEmbeddingsAsOne() throws Exception {
        float[] images = golden("images.f32");
        float[][] expectedImages = graph.encodeImages(images, 3);
        float[][] expectedTexts = graph.encodeTexts(GoldenFiles.textIds());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<float[][][]>>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() ->
                        new float[][][] {graph.encodeImages(images, 3), graph.encodeTexts(GoldenFiles.textIds())}));
            }
            for (var f : futures) {
                float[][][] got = f.get();
                assertThat(got[0]).isDeepEqualTo(expectedImages);
                assertThat(got[1]).isDeepEqualTo(expectedTexts);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void arraysARunLeavesBehindAreFreedAndLaterRunsGiveTheSameEmbeddings() {
        float[] images = golden("images.f32");
        long imagesBefore = graph.imageLeftoversFreed();
        long textsBefore = graph.textLeftoversFreed();
        float[][] firstImages = graph.encodeImages(images, 3);
        float[][] firstTexts = graph.encodeTexts(GoldenFiles.textIds());
        for (int run = 0; run < 3; run++) {
            assertThat(graph.encodeImages(images, 3)).isDeepEqualTo(firstImages);
            assertThat(graph.encodeTexts(GoldenFiles.textIds())).isDeepEqualTo(firstTexts);
        }
        assertClose(firstImages, golden("image_embeddings.f32"));
        // the premise: SameDiff's session does leave arrays behind in both towers, and run() frees them
        assertThat(graph.imageLeftoversFreed() - imagesBefore).isGreaterThanOrEqualTo(4);
        assertThat(graph.textLeftoversFreed() - textsBefore).isGreaterThanOrEqualTo(4);
    }

    @Test
    void pixelsBeyondTheBatchAreIgnored() {
        float[] images = golden("images.f32");
        int per = images.length / 3;
        float[][] first = graph.encodeImages(images, 1);
        float[][] alone = graph.encodeImages(Arrays.copyOf(images, per), 1);
        assertThat(first[0]).containsExactly(alone[0]);
    }

    @Test
    void textEmbeddingsMatchTheReferenceWithPadding() {
        assertClose(graph.encodeTexts(GoldenFiles.textIds()), golden("text_embeddings.f32"));
    }

    @Test
    void textEmbeddingsMatchTheReferenceAtRealLength() {
        int[][] padded = GoldenFiles.textIds();
        int[][] unpadded = new int[padded.length][];
        for (int i = 0; i < padded.length; i++) {
            int length = 0;
            while (length < padded[i].length && padded[i][length] != 1) {
                length++;
            }
            unpadded[i] = Arrays.copyOf(padded[i], length);
        }
        assertClose(graph.encodeTexts(unpadded), golden("text_embeddings.f32"));
        // One at a time too: the batch's padding must not leak into a row.
        float[][] expected = rows(golden("text_embeddings.f32"), padded.length);
        for (int i = 0; i < unpadded.length; i++) {
            assertThat(relativeError(graph.encodeTexts(new int[][] {unpadded[i]})[0], expected[i]))
                    .as("row %d alone", i)
                    .isLessThan(1e-5);
        }
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRefused() {
        assertThatThrownBy(() -> graph.encodeTexts(new int[][] {{0, 5000, 2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5000");
    }

    @Test
    void aCheckpointWithAMissingTensorFailsNamingIt() throws Exception {
        ModelDirectory dir = new ModelDirectory(GoldenFiles.tinyModelDir());
        StateDict weights = StateDict.read(dir.weights());
        weights.take("visual.ln_post.bias", 128); // now missing for the builder
        assertThatThrownBy(() -> ClipGraph.build(dir.config(), weights))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("visual.ln_post.bias");
    }

    @Test
    void aConfigThatDisagreesWithTheTensorsFailsNamingTheKey() throws Exception {
        ModelDirectory dir = new ModelDirectory(GoldenFiles.tinyModelDir());
        ClipConfig real = dir.config();
        ClipConfig wrong =
                new ClipConfig(real.embedDim() * 2, real.quickGelu(), real.vision(), real.text(), real.preprocess());
        assertThatThrownBy(() -> ClipGraph.build(wrong, StateDict.read(dir.weights())))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("visual.proj");
    }

    static void assertClose(float[][] actual, float[] expectedFlat) {
        float[][] expected = rows(expectedFlat, actual.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat(relativeError(actual[i], expected[i])).as("row %d", i).isLessThan(1e-5);
        }
    }

    static float[][] rows(float[] flat, int n) {
        int width = flat.length / n;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return rows;
    }

    static double relativeError(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            diff += Math.pow(actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        return Math.sqrt(diff / norm);
    }
}
