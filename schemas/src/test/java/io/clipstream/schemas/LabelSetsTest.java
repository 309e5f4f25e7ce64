package io.clipstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSetsTest {

    @Test
    void plainLabelsTakeTheSchemasDefaults() {
        LabelSet set = LabelSets.of("pets", 3, List.of("cat", "dog"), List.of("a photo of a {}."), 2, "d");

        assertThat(set.getId()).isEqualTo("pets");
        assertThat(set.getVersion()).isEqualTo(3);
        assertThat(set.getTemplates()).containsExactly("a photo of a {}.");
        assertThat(set.getTopK()).isEqualTo(2);
        assertThat(set.getDescription()).isEqualTo("d");
        assertThat(set.getLabels()).extracting(Label::getName).containsExactly("cat", "dog");
        Label cat = set.getLabels().get(0);
        assertThat(cat.getPrompts()).isNull();
        assertThat(cat.getThreshold()).isNull();
        assertThat(cat.getExamples()).isEmpty();
        assertThat(cat.getExampleWeight()).isNull();
        set.getLabels().add(Label.newBuilder().setName("bird").build()); // editable, as a set read by Avro is
        assertThat(set.getLabels()).hasSize(3);
    }
}
