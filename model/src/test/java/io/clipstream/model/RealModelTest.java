package io.clipstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * open_clip's own golden case on the real laion2b_s12b_b32k weights: CLIP.png against "a diagram", "a dog",
 * "a cat". Runs when CLIPSTREAM_MODEL_DIR holds the downloaded model; reported as skipped otherwise.
 */
class RealModelTest {

    @Test
    void theClipDiagramIsADiagram() throws Exception {
        String dir = System.getenv("CLIPSTREAM_MODEL_DIR");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "CLIPSTREAM_MODEL_DIR does not name a model folder");
        ClipModel model = ClipModel.load(Path.of(dir));
        byte[] png;
        try (InputStream in = RealModelTest.class.getResourceAsStream("/images/CLIP.png")) {
            png = in.readAllBytes();
        }
        float[] image = model.encodeImages(List.of(model.preprocess(png)))[0];
        List<String> labels = List.of("a diagram", "a dog", "a cat");
        float[][] texts = model.encodeTexts(labels);
        float[][] unit = new float[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            unit[i] = ZeroShotClassifier.normalize(texts[i]);
        }
        List<ZeroShotClassifier.Score> scores =
                new ZeroShotClassifier(labels, unit, ZeroShotClassifier.OPEN_CLIP_SCALE).classify(image);
        assertThat(scores.get(0).label()).isEqualTo("a diagram");
        assertThat(scores.get(0).probability()).isGreaterThan(0.99f);
    }
}
