package io.clipstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade over a generated tiny model: the same answers one by one as in batches, in input order. */
class ClipModelTest {
    @TempDir
    static Path dir;

    private static ClipModel model;

    @BeforeAll
    static void load() throws Exception {
        model = ClipModel.load(ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 7));
    }

    @Test
    void theModelIdNamesTheArchitectureAndTheWeightsHash() throws Exception {
        String sha = ModelId.sha256(dir.resolve("tiny/open_clip_model.safetensors"));
        assertThat(model.id()).isEqualTo("roberta-ViT-B-32@" + sha.substring(0, 12));
    }

    @Test
    void theSameSeedWritesTheSameWeights() throws Exception {
        Path again = ClipModel.writeTinyRandomModel(dir.resolve("again"), 7);
        Path other = ClipModel.writeTinyRandomModel(dir.resolve("other"), 8);
        assertThat(ModelId.of(again.resolve("open_clip_model.safetensors"))).isEqualTo(model.id());
        assertThat(ModelId.of(other.resolve("open_clip_model.safetensors"))).isNotEqualTo(model.id());
    }

    @Test
    void textsComeBackInInputOrderWhateverTheirLength() {
        List<String> prompts = List.of(
                "a photo of a very long and detailed description of a great white shark.",
                "a dog",
                "a photo of a cat.",
                "x");
        float[][] together = model.encodeTexts(prompts);
        for (int i = 0; i < prompts.size(); i++) {
            float[] alone = model.encodeTexts(List.of(prompts.get(i)))[0];
            assertThat(together[i]).containsExactly(alone, org.assertj.core.data.Offset.offset(1e-5f));
            float[] viaIds = model.encodeTokenIds(new int[][] {model.tokenizer().encode(prompts.get(i))})[0];
            assertThat(viaIds).containsExactly(alone, org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(together[0]).isNotEqualTo(together[1]);
    }

    @Test
    void imagesAreEncodedTheSameAloneAndInABatch() throws Exception {
        float[] red = model.preprocess(png(Color.RED));
        float[] blue = model.preprocess(png(Color.BLUE));
        float[][] batch = model.encodeImages(List.of(red, blue));
        assertThat(batch).hasNumberOfRows(2);
        assertThat(batch[1])
                .containsExactly(model.encodeImages(List.of(blue))[0], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(batch[0]).hasSize(model.embedDim()).isNotEqualTo(batch[1]);
    }

    /** Batches of 2, 1, 2 and 2 on one thread: the kept image array is refilled for each image, never read stale. */
    @Test
    void cropsEncodeAsTheirTensorsWhateverTheBatchesBefore() throws Exception {
        RgbCrop red = model.crop(png(Color.RED));
        RgbCrop blue = model.crop(png(Color.BLUE));
        float[][] tensors =
                model.encodeImages(List.of(model.preprocess(png(Color.RED)), model.preprocess(png(Color.BLUE))));

        assertThat(model.encodeCrops(List.of(red, blue))).isDeepEqualTo(tensors);
        assertThat(model.encodeCrops(List.of(blue))[0])
                .isEqualTo(model.encodeImages(List.of(model.preprocess(png(Color.BLUE))))[0]);
        assertThat(model.encodeCrops(List.of(blue, red))).isDeepEqualTo(new float[][] {tensors[1], tensors[0]});
        assertThat(model.encodeCrops(List.of(red, blue))).isDeepEqualTo(tensors);
    }

    @Test
    void brokenImagesAreRejectedWithAReason() {
        assertThatThrownBy(() -> model.preprocess(new byte[] {1, 2, 3})).isInstanceOf(ImageRejectedException.class);
    }

    @Test
    void aFolderWithoutWeightsSaysWhatIsMissing() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ClipModel.load(empty)).hasMessageContaining("open_clip_pytorch_model.bin");
    }

    static byte[] png(Color color) throws Exception {
        BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 200);
        g.setColor(color);
        g.fillOval(80, 30, 140, 140);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
