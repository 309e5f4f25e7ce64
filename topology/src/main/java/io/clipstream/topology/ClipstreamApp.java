package io.clipstream.topology;

import io.clipstream.model.ClipModel;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * Wires the two halves together: the {@link ClipstreamTopology} built from {@link TopologySettings} and a loaded
 * model, run by a {@link KafkaStreams} configured from {@link StreamsSettings}. The caller starts and closes it.
 */
public final class ClipstreamApp {
    private ClipstreamApp() {}

    public static Topology topology(StreamsSettings streams, TopologySettings settings, ClipModel model) {
        ClipEncoders encoders = new ClipEncoders(model);
        StreamsBuilder builder = new StreamsBuilder();
        ClipstreamTopology.build(
                builder,
                settings,
                RecordSerdes.configured(streams.serdeConfig()),
                encoders,
                encoders,
                PipelineMetrics.NONE);
        return builder.build();
    }

    public static KafkaStreams create(StreamsSettings streams, TopologySettings settings, ClipModel model) {
        if (!streams.deadLetterTopic().equals(settings.deadLetterTopic())) {
            throw new IllegalArgumentException("the exception handlers and the topology must write the same dead-letter"
                    + " topic, not " + streams.deadLetterTopic() + " and " + settings.deadLetterTopic());
        }
        return new KafkaStreams(topology(streams, settings, model), streams.toProperties());
    }
}
