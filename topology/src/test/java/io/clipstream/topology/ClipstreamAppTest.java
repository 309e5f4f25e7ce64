package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class ClipstreamAppTest {
    private final StreamsSettings streams = StreamsSettings.defaults("127.0.0.1:1", "mock://app", Path.of("/tmp/x"));

    @Test
    void theTopologyReadsAndWritesTheConfiguredTopics() {
        Topology topology = ClipstreamApp.topology(streams, TopologySettings.defaults(), TinyClip.model());
        Set<String> sources = new HashSet<>();
        Set<String> sinks = new HashSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source src) {
                    sources.addAll(src.topicSet());
                } else if (n instanceof TopologyDescription.Sink sink) {
                    sinks.add(sink.topic());
                }
            }
        }
        for (TopologyDescription.GlobalStore g : topology.describe().globalStores()) {
            sources.addAll(g.source().topicSet());
        }
        assertThat(sources).containsExactlyInAnyOrder("label-sets", "label-embeddings", "images");
        assertThat(sinks)
                .containsExactlyInAnyOrder("label-embeddings", "classifications", "image-embeddings", "images-dlq");
    }

    @Test
    void handlersAndTopologyMustShareTheDeadLetterTopic() {
        StreamsSettings other =
                new StreamsSettings("a", "127.0.0.1:1", "mock://app", true, 1, Path.of("/tmp/x"), "elsewhere");
        assertThatThrownBy(() -> ClipstreamApp.create(other, TopologySettings.defaults(), TinyClip.model()))
                .hasMessageContaining("elsewhere");
    }
}
