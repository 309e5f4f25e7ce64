package io.clipstream.topology;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(rules.problem("s", labelSet("s", 1, T, "a", "b", "c", "d"))).get().asString().contains("more than 3");
        assertThat(rules.problem("s", labelSet("s", 1, T, "a", "a"))).get().asString().contains("duplicate");
        assertThat(rules.problem("s", labelSet("s", 1, List.of("no slot"), "a"))).get().asString().contains("without {}");
        assertThat(rules.problem("s", labelSet("s", 1, T, "a label far too long for it"))).get().asString()
                .contains("longer than 30");
        assertThat(rules.problem("s", labelSet("s", 1, T, " "))).get().asString().contains("empty name");
        assertThat(rules.problem("x", labelSet("s", 1, T, "a"))).get().asString().contains("differs");
        assertThat(rules.problem("a/b", labelSet("a/b", 1, T, "a"))).get().asString().contains("'/'");
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
        assertThat(LabelSetRules.prompts(set, set.getLabels().get(0))).containsExactly("a photo of a cat.", "art of a cat.");
        assertThat(LabelSetRules.prompts(set, dog)).containsExactly("a good boy");
    }
}
