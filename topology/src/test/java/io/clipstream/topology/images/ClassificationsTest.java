package io.clipstream.topology.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.LabelScore;
import io.clipstream.topology.Harness;
import io.clipstream.topology.catalog.LabelMatrix;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationsTest {

    @Test
    void listsTopKByProbabilityAndFlagsEveryLabelOverItsThreshold() {
        List<String> labels = List.of("a", "b", "c");
        float[][] unit = {{1, 0}, {0, 1}, {-1, 0}};
        LabelMatrix m = new LabelMatrix(
                "s",
                4,
                "model-x",
                labels,
                Arrays.asList(0.9f, null, -2f),
                null,
                new ZeroShotClassifier(labels, unit, ZeroShotClassifier.OPEN_CLIP_SCALE));
        Classification c = Classifications.of(Harness.inline("img", "s", new byte[1]), m, new float[] {2, 0}, 2, 777);

        assertThat(c.getTop()).extracting(LabelScore::getLabel).containsExactly("a", "b");
        assertThat(c.getTop().get(0).getSimilarity()).isCloseTo(1f, within(1e-6f));
        assertThat(c.getTop().get(1).getSimilarity()).isCloseTo(0f, within(1e-6f));
        // softmax(100 * [1, 0, -1]): p(a) = 1 / (1 + e^-100 + e^-200)
        assertThat(c.getTop().get(0).getProbability()).isCloseTo(1f, within(1e-6f));
        assertThat((double) c.getTop().get(1).getProbability()).isCloseTo(Math.exp(-100), within(1e-45));
        assertThat(c.getFlagged()).extracting(LabelScore::getLabel).containsExactly("a", "c");
        assertThat(c.getLabelSet()).isEqualTo("s");
        assertThat(c.getLabelSetVersion()).isEqualTo(4);
        assertThat(c.getModelId()).isEqualTo("model-x");
        assertThat(c.getImageId()).isEqualTo("img");
        assertThat(c.getProcessingTime().toEpochMilli()).isEqualTo(777);
        assertThat(c.getAttributes()).containsEntry("camera", "img");
    }
}
