package io.clipstream.bench;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An image event serialized ahead of time whose {@code eventTime} can still be set at the moment it is sent, so a
 * benchmark pays no Avro encoding in its timed loop and still measures latency from the real send time.
 * In Avro binary, {@code eventTime} is the second field, a zig-zag varint right after the id string: the same
 * number of bytes for every millisecond timestamp between 2004 and 2109, so it is rewritten in place.
 */
final class StampedEvent {
    private final String id;
    private final byte[] bytes;
    private final int timeOffset;
    private final int timeLength;

    private StampedEvent(String id, byte[] bytes, int timeOffset, int timeLength) {
        this.id = id;
        this.bytes = bytes;
        this.timeOffset = timeOffset;
        this.timeLength = timeLength;
    }

    /** Serializes {@code event} (its eventTime is a placeholder) and locates the eventTime bytes. */
    static StampedEvent of(Serializer<ImageEvent> serializer, String topic, ImageEvent event) {
        byte[] bytes = serializer.serialize(topic, event);
        int idLength = event.getId().getBytes(StandardCharsets.UTF_8).length;
        int offset = WireFormat.HEADER_SIZE + varint(zigzag(idLength)).length + idLength;
        byte[] expected = varint(zigzag(event.getEventTime().toEpochMilli()));
        for (int i = 0; i < expected.length; i++) {
            if (offset + i >= bytes.length || bytes[offset + i] != expected[i]) {
                throw new IllegalStateException("eventTime is not where ImageEvent's schema puts it");
            }
        }
        return new StampedEvent(event.getId(), bytes, offset, expected.length);
    }

    /** The serialized event with its eventTime set to {@code epochMillis}; the same array each time. */
    byte[] stamp(long epochMillis) {
        byte[] time = varint(zigzag(epochMillis));
        if (time.length != timeLength) {
            throw new IllegalArgumentException(
                    "event time " + epochMillis + " does not fit the placeholder's " + timeLength + " bytes");
        }
        System.arraycopy(time, 0, bytes, timeOffset, time.length);
        return bytes;
    }

    String id() {
        return id;
    }

    int size() {
        return bytes.length;
    }

    private static long zigzag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    private static byte[] varint(long v) {
        byte[] out = new byte[10];
        int n = 0;
        while ((v & ~0x7FL) != 0) {
            out[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[n++] = (byte) v;
        return java.util.Arrays.copyOf(out, n);
    }
}
