package io.clipstream.topology.labelsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.schemas.Label;
import org.junit.jupiter.api.Test;

/** The rule {@code normalize((1 - w) * normalize(mean(normalize(t))) + w * normalize(mean(normalize(e))))}. */
class LabelBlendTest {
    private static final float EPS = 1e-6f;

    @Test
    void textAloneIsThePromptEnsembleAsBefore() {
        float[] v = LabelBlend.of(new float[][] {{3, 0, 0}, {0, 4, 0}}, new float[0][], 0.9f);
        float h = (float) Math.sqrt(0.5);
        assertThat(v).containsExactly(new float[] {h, h, 0}, within(EPS));
    }

    @Test
    void examplesAloneAreTheirNormalisedMeanOfNormalisedRows() {
        // lengths differ (2 and 10): each example counts once, whatever its norm
        float[] v = LabelBlend.of(new float[0][], new float[][] {{0, 2, 0}, {0, 0, 10}}, 0.1f);
        float h = (float) Math.sqrt(0.5);
        assertThat(v).containsExactly(new float[] {0, h, h}, within(EPS));
    }

    @Test
    void bothPartsAreWeightedAsAWholeNotPerMember() {
        float[][] text = {{5, 0, 0}};
        float[][] one = {{0, 1, 0}};
        float[][] three = {{0, 1, 0}, {0, 7, 0}, {0, 0.5f, 0}};
        float h = (float) Math.sqrt(0.5);
        assertThat(LabelBlend.of(text, one, 0.5f)).containsExactly(new float[] {h, h, 0}, within(EPS));
        // three examples in the same direction: the text keeps half, not a quarter
        assertThat(LabelBlend.of(text, three, 0.5f)).containsExactly(new float[] {h, h, 0}, within(EPS));
        // w = 0.75: (0.25, 0.75) normalised
        float n = (float) Math.hypot(0.25, 0.75);
        assertThat(LabelBlend.of(text, one, 0.75f)).containsExactly(new float[] {0.25f / n, 0.75f / n, 0}, within(EPS));
        assertThat(LabelBlend.of(text, one, 1f)).containsExactly(new float[] {0, 1, 0}, within(EPS));
        assertThat(LabelBlend.of(text, one, 0f)).containsExactly(new float[] {1, 0, 0}, within(EPS));
    }

    @Test
    void theResultIsAUnitVector() {
        float[] v = LabelBlend.of(new float[][] {{1, 2, 3}, {-1, 0, 2}}, new float[][] {{4, -1, 0}, {2, 2, 2}}, 0.3f);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(norm).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void aLabelWithoutAWeightUsesHalf() {
        Label label = Label.newBuilder().setName("x").build();
        assertThat(LabelBlend.weight(label)).isEqualTo(0.5f);
        label.setExampleWeight(0.8f);
        assertThat(LabelBlend.weight(label)).isEqualTo(0.8f);
    }
}
