package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.cli.ConsoleCapture;
import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageDecoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench} on a generated tiny model with very short runs: the shape of the JSON line, not the figures. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path modelDir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @BeforeAll
    static void model() throws Exception {
        modelDir = ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 5);
    }

    @Test
    void imageReportsOneEntryPerBatchAndTheGemmCeiling() throws Exception {
        assertThat(BenchCommand.run(
                        "image", "--model", modelDir.toString(), "--batch", "1,3", "--seconds", "0.05", "--runs", "3"))
                .as(console::err)
                .isZero();
        JsonNode result = lastLine();
        assertThat(result.get("bench").asText()).isEqualTo("image");
        assertThat(result.get("runs")).hasSize(2);
        assertThat(result.get("runs").get(1).get("batch").asInt()).isEqualTo(3);
        for (JsonNode run : result.get("runs")) {
            double median = run.get("images_per_s").asDouble();
            assertThat(median).isPositive();
            assertThat(run.get("spread").get(0).asDouble()).isLessThanOrEqualTo(median);
            assertThat(run.get("spread").get(1).asDouble()).isGreaterThanOrEqualTo(median);
            assertThat(run.get("gflops").asDouble()).isPositive();
        }
        assertThat(result.get("gemm_gflops").asDouble()).isPositive();
        assertThat(result.get("threads").get("OMP_NUM_THREADS")).isNotNull();
        assertThat(result.get("threads").get("nd4j_max_threads").asInt()).isPositive();
        assertThat(result.get("peak_rss_mb").asLong()).isPositive();
    }

    @Test
    void imageWithTwoStreamsRunsTwoBatchesAtOnceOnTheSharedModel() throws Exception {
        assertThat(BenchCommand.run(
                        "image",
                        "--model",
                        modelDir.toString(),
                        "--batch",
                        "2",
                        "--streams",
                        "2",
                        "--seconds",
                        "0.05",
                        "--runs",
                        "1"))
                .as(console::err)
                .isZero();
        JsonNode result = lastLine();
        assertThat(result.get("streams").asInt()).isEqualTo(2);
        assertThat(result.get("runs").get(0).get("images_per_s").asDouble()).isPositive();
        assertThat(result.get("gemm_gflops").asDouble()).isPositive();
        assertThat(BenchCommand.run("image", "--model", modelDir.toString(), "--streams", "0"))
                .isNotZero();
        assertThat(console.err()).contains("--streams");
    }

    @Test
    void textReportsPromptRatesAndTheExtrapolatedEnsemble() throws Exception {
        assertThat(BenchCommand.run(
                        "text",
                        "--model",
                        modelDir.toString(),
                        "--batch",
                        "4",
                        "--seconds",
                        "0.05",
                        "--runs",
                        "1",
                        "--labels",
                        "10",
                        "--templates",
                        "simple",
                        "--ensemble-sample",
                        "2"))
                .as(console::err)
                .isZero();
        JsonNode result = lastLine();
        assertThat(result.get("runs").get(0).get("prompts_per_s").asDouble()).isPositive();
        assertThat(result.get("runs").get(0).get("mean_tokens").asDouble()).isGreaterThan(5);
        assertThat(result.get("ensemble_templates").asInt()).isEqualTo(7);
        assertThat(result.get("ensemble_labels_encoded").asInt()).isEqualTo(2);
        assertThat(result.get("ensemble_seconds_extrapolated").asDouble()).isPositive();
        assertThat(result.get("labels_x1_seconds").asDouble()).isPositive();
    }

    @Test
    void preprocessTimesBothImageSizesOnOneThreadAndOnAPool() throws Exception {
        assertThat(BenchCommand.run("preprocess", "--seconds", "0.05", "--runs", "1", "--pool", "2"))
                .as(console::err)
                .isZero();
        JsonNode images = lastLine().get("images");
        // each size with the default JPEG decoder, then (when that is libjpeg-turbo) with ImageIO and with drafts
        int decoders = new ImageDecoder().jpegDecoder().equals("ImageIO") ? 1 : 3;
        assertThat(images).hasSize(2 * decoders);
        assertThat(images.get(0).get("image").asText()).isEqualTo("640x480");
        assertThat(images.get(decoders).get("image").asText()).isEqualTo("4000x3000");
        if (decoders == 3) {
            assertThat(images.get(1).get("jpeg_decoder").asText()).isEqualTo("ImageIO");
            JsonNode draft = images.get(2 * decoders - 1);
            assertThat(draft.get("jpeg_decoder").asText()).isEqualTo("libjpeg-turbo draft");
            assertThat(draft.get("crop_mean_abs_diff").asDouble()).isPositive().isLessThan(8);
        }
        assertThat(images.get(decoders).get("images_per_s_pool").asDouble()).isPositive();
        assertThat(images.get(decoders).get("pool_threads").asInt()).isEqualTo(2);
    }

    @Test
    void aNonPositiveBatchIsRefused() {
        assertThat(BenchCommand.run("image", "--model", modelDir.toString(), "--batch", "0"))
                .isNotZero();
        assertThat(console.err()).contains("--batch");
    }

    private JsonNode lastLine() throws Exception {
        List<String> lines = console.out().lines().toList();
        assertThat(lines).isNotEmpty();
        return JSON.readTree(lines.get(lines.size() - 1));
    }
}
