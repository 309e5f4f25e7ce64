package io.clipstream.topology.labelsets;

import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The label sets whose embeddings for this model the global {@code label-embeddings} table already holds, whoever
 * wrote them: a service under a new application id reads every set again, and a set it finds here, complete and with
 * the same {@link LabelSetDigest}, is written again from the table instead of going through the towers.
 */
final class EncodedLabelSets {
    private static final StringSerializer KEYS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, LabelEmbedding> table;
    private final String modelId;

    EncodedLabelSets(ReadOnlyKeyValueStore<String, LabelEmbedding> table, String modelId) {
        this.table = table;
        this.modelId = modelId;
    }

    /**
     * The embeddings of {@code set}, in label order, if the table holds one for each of its labels, made by this
     * model from a set with this digest and version; else empty.
     */
    Optional<List<LabelEmbedding>> find(String setId, LabelSet set, byte[] digest) {
        int count = set.getLabels().size();
        if (count == 0) {
            return Optional.empty();
        }
        LabelEmbedding[] ordered = new LabelEmbedding[count];
        try (KeyValueIterator<String, LabelEmbedding> it = table.prefixScan(setId + "/", KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, LabelEmbedding> kv = it.next();
                LabelEmbedding e = kv.value;
                if (e == null || !madeFrom(e, setId, set, digest)) {
                    continue;
                }
                int i = e.getIndex();
                if (i < 0
                        || i >= count
                        || !e.getLabel().equals(set.getLabels().get(i).getName())
                        || !kv.key.equals(setId + "/" + e.getLabel())) {
                    continue;
                }
                ordered[i] = e;
            }
        }
        for (LabelEmbedding e : ordered) {
            if (e == null) {
                return Optional.empty();
            }
        }
        return Optional.of(List.of(ordered));
    }

    private boolean madeFrom(LabelEmbedding e, String setId, LabelSet set, byte[] digest) {
        ByteBuffer written = e.getLabelSetDigest();
        return written != null
                && e.getModelId().equals(modelId)
                && e.getLabelSetId().equals(setId)
                && e.getLabelSetVersion() == set.getVersion()
                && e.getLabelCount() == set.getLabels().size()
                && Arrays.equals(bytes(written), digest);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
