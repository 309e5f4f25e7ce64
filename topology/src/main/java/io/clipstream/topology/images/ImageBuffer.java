package io.clipstream.topology.images;

import io.clipstream.topology.InputRecord;
import io.clipstream.topology.RecordLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The changelogged store {@value #STORE} of images read but not yet answered, in arrival order (key: a sequence
 * number). An entry is where the image record is and its key, never its value, so an entry stays small whatever
 * the image's size: {@code [1][arrival ms][partition][offset][key length or -1][key][topic]} (keys over
 * {@link RecordLimits#MAX_KEY_BYTES} are kept cut: such a record is refused anyway). Entries written before this format held the whole
 * record ({@code [arrival ms][InputRecord bytes]}, first byte 0) and are still read.
 */
final class ImageBuffer {
    static final String STORE = "image-buffer";
    private static final byte POSITION = 1;

    /** One buffered image: where it is, its key, when it arrived, and, for an entry of the old format, the record. */
    record Entry(long seq, long arrivalMs, String topic, int partition, long offset, byte[] key, InputRecord record) {}

    private final KeyValueStore<Long, byte[]> store;
    private long nextSeq;

    ImageBuffer(KeyValueStore<Long, byte[]> store) {
        this.store = store;
    }

    /** Every entry, oldest first; the next sequence number follows the last. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                entries.add(decode(kv.key, kv.value));
                nextSeq = Math.max(nextSeq, kv.key + 1);
            }
        }
        return entries;
    }

    /** Buffers where {@code input} is; returns its sequence number. */
    long add(InputRecord input, long arrivalMs) {
        long seq = nextSeq++;
        byte[] topic = input.topic().getBytes(StandardCharsets.UTF_8);
        byte[] key = RecordLimits.cutKey(input.key());
        ByteBuffer entry = ByteBuffer.allocate(1 + 8 + 4 + 8 + 4 + (key == null ? 0 : key.length) + topic.length)
                .put(POSITION)
                .putLong(arrivalMs)
                .putInt(input.partition())
                .putLong(input.offset());
        if (key == null) {
            entry.putInt(-1);
        } else {
            entry.putInt(key.length).put(key);
        }
        store.put(seq, entry.put(topic).array());
        return seq;
    }

    void remove(long seq) {
        store.delete(seq);
    }

    private static Entry decode(long seq, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        if (value.length > 0 && value[0] == POSITION) {
            b.get();
            long arrival = b.getLong();
            int partition = b.getInt();
            long offset = b.getLong();
            int keyLength = b.getInt();
            byte[] key = null;
            if (keyLength >= 0) {
                key = new byte[keyLength];
                b.get(key);
            }
            byte[] topic = new byte[b.remaining()];
            b.get(topic);
            return new Entry(seq, arrival, new String(topic, StandardCharsets.UTF_8), partition, offset, key, null);
        }
        long arrival = b.getLong();
        byte[] rest = new byte[b.remaining()];
        b.get(rest);
        InputRecord record = InputRecord.fromBytes(rest);
        return new Entry(seq, arrival, record.topic(), record.partition(), record.offset(), record.key(), record);
    }
}
