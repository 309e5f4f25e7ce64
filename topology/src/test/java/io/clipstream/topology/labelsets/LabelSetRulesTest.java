package io.clipstream.topology.labelsets;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.TopologySettings.ExampleLimits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSetRulesTest {
    private static final List<String> T = List.of("a photo of a {}.");
    private final LabelSetRules rules = new LabelSetRules(3, 30);

    @Test
    void acceptsAnOrdinarySet() {
        assertThat(rules.problem("s", labelSet("s", 1, T, "cat", "dog"))).isEmpty();
    }

    @Test
    void namesEachProblem() {
        assertThat(rules.problem("s", labelSet("s", 1, T))).get().asString().contains("no labels");
        assertThat(rules.problem("s", labelSet("s", 1, T, "a", "b", "c", "d")))
                .get()
                .asString()
                .contains("more than 3");
        assertThat(rules.problem("s", labelSet("s", 1, T, "a", "a")))
                .get()
                .asString()
                .contains("duplicate");
        assertThat(rules.problem("s", labelSet("s", 1, List.of("no slot"), "a")))
                .get()
                .asString()
                .contains("without {}");
        assertThat(rules.problem("s", labelSet("s", 1, T, "a label far too long for it")))
                .get()
                .asString()
                .contains("longer than 30");
        assertThat(rules.problem("s", labelSet("s", 1, T, " ")))
                .get()
                .asString()
                .contains("empty name");
        assertThat(rules.problem("x", labelSet("s", 1, T, "a")))
                .get()
                .asString()
                .contains("differs");
        assertThat(rules.problem("a/b", labelSet("a/b", 1, T, "a")))
                .get()
                .asString()
                .contains("'/'");
        LabelSet zeroTopK = labelSet("s", 1, T, "a");
        zeroTopK.setTopK(0);
        assertThat(rules.problem("s", zeroTopK)).get().asString().contains("topK");
        LabelSet nan = labelSet("s", 1, T, "a");
        nan.getLabels().get(0).setThreshold(Float.NaN);
        assertThat(rules.problem("s", nan)).get().asString().contains("threshold");
        LabelSet noPrompts = labelSet("s", 1, T, "a");
        noPrompts.getLabels().get(0).setPrompts(List.of());
        assertThat(rules.problem("s", noPrompts)).get().asString().contains("0 prompts");
    }

    @Test
    void aLabelsOwnPromptsReplaceTheTemplates() {
        LabelSet set = labelSet("s", 1, List.of("a photo of a {}.", "art of a {}."), "cat", "dog");
        Label dog = set.getLabels().get(1);
        dog.setPrompts(List.of("a good boy"));
        assertThat(LabelSetRules.prompts(set, set.getLabels().get(0)))
                .containsExactly("a photo of a cat.", "art of a cat.");
        assertThat(LabelSetRules.prompts(set, dog)).containsExactly("a good boy");
    }

    private static List<LabelExample> examples(int n) {
        List<LabelExample> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(
                    i % 2 == 0
                            ? new LabelExample(ByteBuffer.wrap(new byte[] {(byte) i}), null)
                            : new LabelExample(null, "https://example.com/" + i + ".jpg"));
        }
        return list;
    }

    /** A set whose labels carry the given numbers of examples and no prompts of their own. */
    private static LabelSet withExamples(int... counts) {
        String[] names = new String[counts.length];
        for (int i = 0; i < counts.length; i++) {
            names[i] = "item" + i;
        }
        LabelSet set = labelSet("s", 1, T, names);
        for (int i = 0; i < counts.length; i++) {
            set.getLabels().get(i).setExamples(examples(counts[i]));
        }
        return set;
    }

    @Test
    void exampleLimitsPerLabelAndPerSetAdmitExactlyTheirNumber() {
        LabelSetRules limited = new LabelSetRules(10, 30, 1_000, 1 << 20, new ExampleLimits(3, 5));
        assertThat(limited.problem("s", withExamples(3))).isEmpty();
        assertThat(limited.problem("s", withExamples(4)))
                .get()
                .asString()
                .isEqualTo("label \"item0\" has 4 example images, more than 3 (label.max.examples)");
        assertThat(limited.problem("s", withExamples(3, 2))).isEmpty();
        assertThat(limited.problem("s", withExamples(3, 3)))
                .get()
                .asString()
                .isEqualTo("label set s has 6 example images, more than 5 (label.set.max.examples)");
    }

    @Test
    void everyExampleCountsAsEightPromptsAgainstTheBudget() {
        // 2 labels × 1 template + 3 examples × 8 = 26
        LabelSet set = labelSet("s", 1, T, "cat", "dog");
        set.getLabels().get(1).setPrompts(List.of("a dog"));
        set.getLabels().get(1).setExamples(examples(3));
        assertThat(LabelSetRules.EXAMPLE_PROMPTS).isEqualTo(8);
        assertThat(new LabelSetRules(10, 30, 26, 1 << 20).problem("s", set)).isEmpty();
        assertThat(new LabelSetRules(10, 30, 25, 1 << 20).problem("s", set))
                .get()
                .asString()
                .contains("2 prompts (labels × templates) and 3 example images counted as 8 prompts each, over the"
                        + " budget of 25 (label.set.max.prompts)");
    }

    @Test
    void aLabelWithExamplesUsesOnlyItsOwnPromptsAndMayHaveNone() {
        LabelSet set = withExamples(2);
        Label item = set.getLabels().get(0);
        assertThat(rules.problem("s", set)).isEmpty();
        assertThat(LabelSetRules.promptCount(set, item)).isZero();
        assertThat(LabelSetRules.prompts(set, item)).isEmpty();
        item.setPrompts(List.of("a kitchen knife"));
        assertThat(LabelSetRules.prompts(set, item)).containsExactly("a kitchen knife");
        item.setPrompts(List.of());
        assertThat(rules.problem("s", set)).isEmpty();
        item.setExamples(List.of());
        assertThat(rules.problem("s", set)).get().asString().contains("0 prompts; needs 1 to 1000, or example images");
    }

    @Test
    void eachExampleHasExactlyOneSourceAndTheWeightLiesInZeroToOne() {
        LabelSet both = withExamples(1);
        both.getLabels().get(0).setExamples(List.of(new LabelExample(ByteBuffer.wrap(new byte[] {1}), "https://x/y")));
        assertThat(rules.problem("s", both))
                .get()
                .asString()
                .isEqualTo("label \"item0\" example 1 needs exactly one of data and url");
        LabelSet neither = withExamples(1);
        neither.getLabels().get(0).setExamples(List.of(new LabelExample(null, " ")));
        assertThat(rules.problem("s", neither)).get().asString().contains("exactly one of data and url");
        for (float bad : new float[] {-0.1f, 1.1f, Float.NaN}) {
            LabelSet set = withExamples(1);
            set.getLabels().get(0).setExampleWeight(bad);
            assertThat(rules.problem("s", set)).get().asString().contains("exampleWeight " + bad + ", outside [0, 1]");
        }
        LabelSet edge = withExamples(1);
        edge.getLabels().get(0).setExampleWeight(1f);
        assertThat(rules.problem("s", edge)).isEmpty();
    }
}
