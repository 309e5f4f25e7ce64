package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.topology.RecordSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StampedEventTest {
    private final RecordSerdes serdes =
            RecordSerdes.configured(Map.of("schema.registry.url", "mock://stamped-" + UUID.randomUUID()));

    private ImageEvent event(String id, Instant time) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(time)
                .setImage(InlineImage.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .build())
                .setContentType("image/jpeg")
                .setLabelSet("bench")
                .setAttributes(Map.of("k", "v"))
                .build();
    }

    @Test
    void aStampedEventDeserializesWithTheNewTimeAndEverythingElseUnchanged() {
        // An id long enough that its length prefix takes two varint bytes.
        String id = "image-" + "x".repeat(100);
        ImageEvent original = event(id, Instant.parse("2026-01-01T00:00:00Z"));
        StampedEvent stamped = StampedEvent.of(serdes.imageEvent().serializer(), "images", original);
        long later = Instant.parse("2031-06-15T12:34:56.789Z").toEpochMilli();

        ImageEvent read = serdes.imageEvent().deserializer().deserialize("images", stamped.stamp(later));

        assertThat(read.getEventTime().toEpochMilli()).isEqualTo(later);
        assertThat(read.getId()).isEqualTo(id);
        assertThat(stamped.id()).isEqualTo(id);
        assertThat(read.getLabelSet()).isEqualTo("bench");
        assertThat(read.getAttributes()).hasSize(1);
        assertThat(((InlineImage) read.getImage()).getData().remaining()).isEqualTo(3);
    }

    @Test
    void aTimeOfAnotherEncodedLengthIsRefused() {
        StampedEvent stamped = StampedEvent.of(
                serdes.imageEvent().serializer(), "images", event("a", Instant.parse("2026-01-01T00:00:00Z")));
        assertThatThrownBy(() -> stamped.stamp(5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
    }
}
