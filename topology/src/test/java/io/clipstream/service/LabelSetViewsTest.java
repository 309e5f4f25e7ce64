package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSetViewsTest {
    private static LabelEmbedding row(
            String set, long version, String label, int index, int count, Float threshold, String model) {
        return LabelEmbedding.newBuilder()
                .setLabelSetId(set)
                .setLabelSetVersion(version)
                .setLabel(label)
                .setIndex(index)
                .setLabelCount(count)
                .setThreshold(threshold)
                .setTopK(count == 2 ? 1 : null)
                .setModelId(model)
                .setEmbedding(List.of(1f, 0f))
                .build();
    }

    @Test
    void readySetsShowTheVersionTheStreamUsesWithLabelsInSetOrder() {
        List<LabelEmbedding> rows = new ArrayList<>(List.of(
                row("b", 2, "y", 1, 2, 0.3f, "m"),
                row("b", 2, "x", 0, 2, null, "m"),
                row("a", 1, "p", 0, 3, null, "m"), // 1 of 3: incomplete
                row("c", 1, "q", 0, 1, null, "other-model"))); // another model: not shown
        List<LabelSetViews.View> views = LabelSetViews.of(
                rows,
                "m",
                List.of(new LabelSetProgress.Encoding("b", 3, 5, 40), new LabelSetProgress.Encoding("d", 1, 0, 8)));
        assertThat(views).extracting(LabelSetViews.View::id).containsExactly("a", "b", "d");
        LabelSetViews.View a = views.get(0);
        assertThat(a.state()).isEqualTo("incomplete");
        assertThat(a.ready()).isFalse();
        assertThat(a.labels()).isEmpty();
        LabelSetViews.View b = views.get(1);
        assertThat(b.ready()).isTrue();
        assertThat(b.version()).isEqualTo(2);
        assertThat(b.topK()).isEqualTo(1);
        assertThat(b.labels()).containsExactly(new LabelSetViews.Label("x", null), new LabelSetViews.Label("y", 0.3f));
        assertThat(b.encoding()).isEqualTo(new LabelSetViews.Encoding(3, 5, 40)); // a newer version under way
        LabelSetViews.View d = views.get(2);
        assertThat(d.state()).isEqualTo("encoding");
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.encoding()).isEqualTo(new LabelSetViews.Encoding(1, 0, 8));
    }
}
