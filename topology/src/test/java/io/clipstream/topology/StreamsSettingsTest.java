package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.topology.deadletters.DeadLetterDeserializationHandler;
import io.clipstream.topology.deadletters.DeadLetterProcessingHandler;
import io.clipstream.topology.deadletters.DeadLetterProductionHandler;
import io.clipstream.topology.deadletters.DeadLetterWriter;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
    private final StreamsSettings defaults = StreamsSettings.defaults("127.0.0.1:9092", "mock://x", Path.of("/tmp/s"));

    @Test
    void exactlyOnceWithDeadLetterHandlersByDefault() {
        Properties p = defaults.toProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class);
        assertThat(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterProcessingHandler.class);
        assertThat(p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterProductionHandler.class);
        assertThat(p.get(DeadLetterWriter.TOPIC_CONFIG)).isEqualTo("images-dlq");
        assertThat(p.get("schema.registry.url")).isEqualTo("mock://x");
        assertThat(p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9092");
        new StreamsConfig(p); // every key and value is accepted by Kafka Streams itself
    }

    @Test
    void noFetchResponseBufferIsHumongousInG1() {
        Properties p = defaults.toProperties();
        int halfSmallestRegion = 512 << 10;
        for (String key : java.util.List.of(
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG)) {
            // room for the response's headers beside the records
            assertThat((int) p.get(StreamsConfig.consumerPrefix(key)))
                    .as(key)
                    .isLessThanOrEqualTo(halfSmallestRegion - (64 << 10));
        }
    }

    @Test
    void atLeastOnceIsAnOption() {
        assertThat(defaults.withExactlyOnce(false).toProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.AT_LEAST_ONCE);
    }
}
