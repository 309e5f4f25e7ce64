package io.clipstream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One input record exactly as read: where it came from, its raw key and value bytes and its headers. Processors keep
 * it so a dead letter can carry the original bytes, and every output carries the input's headers (W3C
 * {@code traceparent} and any correlation header survive the pipeline).
 */
public record InputRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {

    public InputRecord {
        headers = headers == null ? new RecordHeaders() : headers;
    }

    /** A record without headers. */
    public InputRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this(topic, partition, offset, timestamp, key, value, new RecordHeaders());
    }

    /** Bytes of all header keys and values. */
    public int headerBytes() {
        int n = 0;
        for (Header h : headers) {
            n += h.key().length() * 3 + (h.value() == null ? 0 : h.value().length) + 8;
        }
        return n;
    }

    /** Key bytes as text (keys are UTF-8 strings on every clipstream topic), or "" for a null key. */
    public String keyText() {
        return key == null ? "" : new String(key, StandardCharsets.UTF_8);
    }

    /** A compact binary form (without headers), as the image buffer's former entries held it. */
    public byte[] toBytes() {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        int size = 4 + t.length + 4 + 8 + 8 + 4 + len(key) + 4 + len(value);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(t.length).put(t).putInt(partition).putLong(offset).putLong(timestamp);
        putBytes(b, key);
        putBytes(b, value);
        return b.array();
    }

    /** Reads {@link #toBytes()}; the buffer is written only by this class, but lengths are still checked. */
    public static InputRecord fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        String topic = new String(getBytes(b), StandardCharsets.UTF_8);
        int partition = b.getInt();
        long offset = b.getLong();
        long timestamp = b.getLong();
        byte[] key = getBytes(b);
        byte[] value = getBytes(b);
        return new InputRecord(topic, partition, offset, timestamp, key, value);
    }

    private static int len(byte[] a) {
        return a == null ? 0 : a.length;
    }

    private static void putBytes(ByteBuffer b, byte[] a) {
        if (a == null) {
            b.putInt(-1);
        } else {
            b.putInt(a.length).put(a);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > b.remaining()) {
            throw new IllegalStateException(
                    "corrupt image buffer entry: length " + n + " with " + b.remaining() + " left");
        }
        byte[] a = new byte[n];
        b.get(a);
        return a;
    }
}
