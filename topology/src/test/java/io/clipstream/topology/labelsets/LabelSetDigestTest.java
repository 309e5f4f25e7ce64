package io.clipstream.topology.labelsets;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Equal content, equal digest; any field that reaches the embeddings changes it; an example by URL has none. */
class LabelSetDigestTest {
    private static final List<String> T = List.of("a {}", "the {}");

    private static LabelSet set() {
        LabelSet s = labelSet("s", 7, T, "cat", "dog");
        s.getLabels().get(0).setThreshold(0.25f);
        return s;
    }

    private static String hex(LabelSet s) {
        return java.util.HexFormat.of().formatHex(LabelSetDigest.of(s).orElseThrow());
    }

    @Test
    void twoSetsWithTheSameContentHaveTheSameDigest() {
        assertThat(LabelSetDigest.of(set()).orElseThrow()).hasSize(32);
        assertThat(hex(set())).isEqualTo(hex(set()));
    }

    @Test
    void everyFieldOfTheSetChangesTheDigest() {
        List<Consumer<LabelSet>> changes = new ArrayList<>();
        changes.add(s -> s.setId("t"));
        changes.add(s -> s.setVersion(8L));
        changes.add(s -> s.getLabels().get(1).setName("emu"));
        changes.add(s -> s.getLabels().get(0).setThreshold(0.5f));
        changes.add(s -> s.getLabels().get(0).setPrompts(List.of("a cat")));
        changes.add(s -> s.getLabels().get(0).setExampleWeight(0.5f));
        changes.add(s -> s.getLabels()
                .get(0)
                .setExamples(List.of(LabelExample.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .setUrl(null)
                        .build())));
        changes.add(s -> s.setTemplates(List.of("a {}")));
        changes.add(s -> s.setTopK(3));
        changes.add(s -> s.setDescription("pets"));
        changes.add(s -> s.setLabels(List.of(s.getLabels().get(1), s.getLabels().get(0))));
        Set<String> digests = new HashSet<>();
        digests.add(hex(set()));
        for (Consumer<LabelSet> change : changes) {
            LabelSet s = set();
            change.accept(s);
            assertThat(digests.add(hex(s)))
                    .as("digest after change %d", digests.size())
                    .isTrue();
        }
    }

    @Test
    void aSetWithAnExampleByUrlHasNoDigest() {
        LabelSet s = set();
        Label cat = s.getLabels().get(0);
        cat.setExamples(List.of(LabelExample.newBuilder()
                .setData(null)
                .setUrl("https://images.example/cat.jpg")
                .build()));
        assertThat(LabelSetDigest.of(s)).isEmpty();
    }
}
