package io.clipstream.topology.labelsets;

import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.InputRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The changelogged store {@value #STORE} of the label sets under way, by set id: where each set's record is, its
 * cursors and the hashes of the examples passed, never the set itself, so an entry stays small whatever the set's
 * size: {@code [3][partition][offset][label][prompt][example label][example][hash count][32-byte hashes…][topic]}.
 * Entries of older formats are still read: {@code [2][partition][offset][label][prompt][topic]} (written before
 * examples existed: such a set is walked again from the start when it has examples, the cache makes that cheap, else
 * from its prompt cursor), and the whole record (the oldest, any other first byte: started again).
 */
final class PendingLabelSets {
    static final String STORE = "label-sets-pending";
    private static final byte POSITION = 2;
    private static final byte POSITION_WITH_EXAMPLES = 3;
    private static final int HASH_BYTES = 32;

    /** A pending entry: where the record is and how far encoding went, or (oldest format) the record itself. */
    record Entry(String setId, Position position, InputRecord record) {}

    /** Where a set's record is and its cursors. */
    record Position(
            String topic,
            int partition,
            long offset,
            int label,
            int prompt,
            int exampleLabel,
            int example,
            List<byte[]> hashes,
            boolean knowsExamples) {

        static Position of(LabelEncoding e) {
            return new Position(
                    e.input.topic(),
                    e.input.partition(),
                    e.input.offset(),
                    e.prompts.label(),
                    e.prompts.item(),
                    e.examples.label(),
                    e.examples.item(),
                    e.exampleHashes,
                    true);
        }

        /** Where a set whose entry holds its whole record (the oldest format) starts again. */
        static Position atStart() {
            return new Position("", 0, 0, 0, 0, 0, 0, List.of(), true);
        }

        /** The set under way again, from the cursors. */
        LabelEncoding resume(InputRecord input, LabelSet set, long now) {
            boolean hasExamples =
                    set.getLabels().stream().anyMatch(l -> !l.getExamples().isEmpty());
            if (!knowsExamples && hasExamples) {
                return LabelEncoding.start(input, set, now);
            }
            return new LabelEncoding(
                    input,
                    set,
                    LabelCursor.examples(set, exampleLabel, example),
                    LabelCursor.prompts(set, label, prompt),
                    hashes,
                    now);
        }

        byte[] encode() {
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 + 4 * 4 + 4 + HASH_BYTES * hashes.size() + t.length)
                    .put(POSITION_WITH_EXAMPLES)
                    .putInt(partition)
                    .putLong(offset)
                    .putInt(label)
                    .putInt(prompt)
                    .putInt(exampleLabel)
                    .putInt(example)
                    .putInt(hashes.size());
            hashes.forEach(b::put);
            return b.put(t).array();
        }

        static Position decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            boolean knowsExamples = b.get() == POSITION_WITH_EXAMPLES;
            int partition = b.getInt();
            long offset = b.getLong();
            int label = b.getInt();
            int prompt = b.getInt();
            int exampleLabel = 0;
            int example = 0;
            List<byte[]> hashes = new ArrayList<>();
            if (knowsExamples) {
                exampleLabel = b.getInt();
                example = b.getInt();
                int count = b.getInt();
                for (int i = 0; i < count; i++) {
                    byte[] hash = new byte[HASH_BYTES];
                    b.get(hash);
                    hashes.add(hash);
                }
            }
            byte[] t = new byte[b.remaining()];
            b.get(t);
            return new Position(
                    new String(t, StandardCharsets.UTF_8),
                    partition,
                    offset,
                    label,
                    prompt,
                    exampleLabel,
                    example,
                    hashes,
                    knowsExamples);
        }
    }

    private final KeyValueStore<String, byte[]> store;

    PendingLabelSets(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** Every set under way, in key order. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                byte[] v = kv.value;
                if (v.length > 0 && (v[0] == POSITION || v[0] == POSITION_WITH_EXAMPLES)) {
                    entries.add(new Entry(kv.key, Position.decode(v), null));
                } else {
                    entries.add(new Entry(kv.key, Position.atStart(), InputRecord.fromBytes(v)));
                }
            }
        }
        return entries;
    }

    void put(String setId, LabelEncoding encoding) {
        store.put(setId, Position.of(encoding).encode());
    }

    void delete(String setId) {
        store.delete(setId);
    }
}
