package io.clipstream.topology.labelsets;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The output of a label set once every prompt and example is cached: one {@link LabelEmbedding} per label (its prompt
 * embeddings and example-image embeddings blended by {@link LabelBlend}), keyed {@code <setId>/<label>}, then
 * tombstones for the labels the previous version had and this one dropped. Reads the prompt-embedding cache, where
 * a prompt's key is {@code <model id>\0<prompt>} and an example's is {@link ExampleImages#cacheKey}.
 */
final class LabelEmbeddings {
    /** The records of a finished set and its new member list, or, when a cache entry is missing, why not. */
    record Output(List<Record<byte[], Outcome<LabelEmbedding>>> records, LabelSetMembers members, String missing) {}

    private final KeyValueStore<String, float[]> cache;
    private final String modelId;

    LabelEmbeddings(KeyValueStore<String, float[]> cache, String modelId) {
        this.cache = cache;
        this.modelId = modelId;
    }

    /** The cache key of a prompt's embedding. */
    String promptKey(String prompt) {
        return modelId + "\u0000" + prompt;
    }

    Output of(String setId, LabelEncoding e, LabelSetMembers previous) {
        LabelSet set = e.set;
        InputRecord input = e.input;
        List<Label> labels = set.getLabels();
        List<String> names = new ArrayList<>(labels.size());
        List<Record<byte[], Outcome<LabelEmbedding>>> out = new ArrayList<>(labels.size());
        int exampleIndex = 0;
        for (int i = 0; i < labels.size(); i++) {
            Label label = labels.get(i);
            names.add(label.getName());
            float[][] rows = new float[LabelSetRules.promptCount(set, label)][];
            for (int p = 0; p < rows.length; p++) {
                rows[p] = cache.get(promptKey(LabelSetRules.prompt(set, label, p)));
                if (rows[p] == null) {
                    return missing("prompt embedding of \"" + LabelSetRules.prompt(set, label, p)
                            + "\" missing from the cache");
                }
            }
            float[][] examples = new float[label.getExamples().size()][];
            for (int x = 0; x < examples.length; x++, exampleIndex++) {
                examples[x] = cache.get(ExampleImages.cacheKey(modelId, e.exampleHashes.get(exampleIndex)));
                if (examples[x] == null) {
                    return missing("embedding of label \"" + label.getName() + "\" example " + (x + 1)
                            + " missing from the cache");
                }
            }
            LabelEmbedding embedding = LabelEmbedding.newBuilder()
                    .setLabelSetId(setId)
                    .setLabelSetVersion(set.getVersion())
                    .setLabel(label.getName())
                    .setIndex(i)
                    .setLabelCount(labels.size())
                    .setThreshold(label.getThreshold())
                    .setTopK(set.getTopK())
                    .setModelId(modelId)
                    .setEmbedding(boxed(LabelBlend.of(rows, examples, LabelBlend.weight(label))))
                    .setLabelSetDigest(e.digest == null ? null : ByteBuffer.wrap(e.digest))
                    .build();
            out.add(record(setId, embedding, input));
        }
        return finish(setId, set, input, names, out, previous);
    }

    /** The output of a set whose embeddings the table already holds ({@link EncodedLabelSets}): the same again. */
    static Output reused(
            String setId, LabelSet set, InputRecord input, List<LabelEmbedding> written, LabelSetMembers previous) {
        List<String> names = new ArrayList<>(written.size());
        List<Record<byte[], Outcome<LabelEmbedding>>> out = new ArrayList<>(written.size());
        for (LabelEmbedding embedding : written) {
            names.add(embedding.getLabel());
            out.add(record(setId, embedding, input));
        }
        return finish(setId, set, input, names, out, previous);
    }

    private static Record<byte[], Outcome<LabelEmbedding>> record(
            String setId, LabelEmbedding embedding, InputRecord input) {
        return new Record<>(
                labelKey(setId, embedding.getLabel()),
                Outcome.of(embedding),
                input.timestamp(),
                RecordLimits.headersOf(input));
    }

    /** Adds tombstones for the labels the previous version had and this one dropped. */
    private static Output finish(
            String setId,
            LabelSet set,
            InputRecord input,
            List<String> names,
            List<Record<byte[], Outcome<LabelEmbedding>>> out,
            LabelSetMembers previous) {
        if (previous != null) {
            Set<String> kept = new HashSet<>(names);
            out.addAll(tombstones(
                    setId,
                    previous.names().stream().filter(old -> !kept.contains(old)).toList(),
                    input));
        }
        return new Output(out, new LabelSetMembers(set.getVersion(), names), null);
    }

    /** Deletes of the given labels of a set, stamped like {@code input}. */
    static List<Record<byte[], Outcome<LabelEmbedding>>> tombstones(
            String setId, List<String> labels, InputRecord input) {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = new ArrayList<>(labels.size());
        for (String name : labels) {
            out.add(new Record<>(
                    labelKey(setId, name), Outcome.of(null), input.timestamp(), RecordLimits.headersOf(input)));
        }
        return out;
    }

    /** The label-embeddings key of one label: {@code <setId>/<label>}. */
    static byte[] labelKey(String setId, String label) {
        return (setId + "/" + label).getBytes(StandardCharsets.UTF_8);
    }

    private static Output missing(String why) {
        return new Output(List.of(), null, why);
    }

    private static List<Float> boxed(float[] v) {
        List<Float> list = new ArrayList<>(v.length);
        for (float x : v) {
            list.add(x);
        }
        return list;
    }
}
