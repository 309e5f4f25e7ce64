package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopologySettingsTest {

    @Test
    void defaultsAreTheIssues() {
        TopologySettings d = TopologySettings.defaults();
        assertThat(d.labelSetsTopic()).isEqualTo("label-sets");
        assertThat(d.labelEmbeddingsTopic()).isEqualTo("label-embeddings");
        assertThat(d.imagesTopic()).isEqualTo("images");
        assertThat(d.classificationsTopic()).isEqualTo("classifications");
        assertThat(d.imageEmbeddingsTopic()).isEqualTo("image-embeddings");
        assertThat(d.deadLetterTopic()).isEqualTo("images-dlq");
        assertThat(d.batchSize()).isEqualTo(8);
        assertThat(d.maxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(d.maxLabels()).isEqualTo(10_000);
        assertThat(d.emitImageEmbeddings()).isFalse();
        assertThat(d.fetch().enabled()).isFalse();
        assertThat(d.fetch().allowedHosts()).isEmpty();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> TopologySettings.defaults().withBatch(0, Duration.ofMillis(5)))
                .hasMessageContaining("batch size");
        assertThatThrownBy(() -> TopologySettings.defaults().withBatch(4, Duration.ZERO))
                .hasMessageContaining("max wait");
        assertThatThrownBy(() -> TopologySettings.defaults().withLimits(0, 10)).hasMessageContaining("positive");
    }
}
