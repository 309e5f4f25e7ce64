package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ImageEvent;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordSerdesTest {

    @Test
    void configuresRegistryFramedSerdesForEveryTopic() {
        RecordSerdes serdes =
                RecordSerdes.configured(Map.of("schema.registry.url", "mock://serdes-" + UUID.randomUUID()));
        ImageEvent event = Harness.inline("id", "set", new byte[] {1, 2, 3});
        byte[] bytes = serdes.imageEvent().serializer().serialize("images", event);
        assertThat(bytes[0]).isZero(); // Confluent wire format: magic byte 0, then a schema id
        assertThat(serdes.imageEvent().deserializer().deserialize("images", bytes))
                .isEqualTo(event);
        assertThat(serdes.labelEmbedding()).isNotNull();
        assertThat(serdes.deadLetter()).isNotNull();
    }
}
