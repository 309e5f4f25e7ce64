package io.clipstream.topology;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.InvalidRecordException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text tower step: a {@link LabelSet} becomes one {@link LabelEmbedding} per label (keyed {@code <set>/<label>}),
 * plus tombstones for labels the previous version had and this one has not. Prompt embeddings are cached in the
 * changelogged store {@value #PROMPT_STORE} (key: model id, NUL, prompt text) so re-sending a large set with one
 * label changed encodes only that label's prompts. A set tombstone deletes all its labels. A set that cannot be
 * read or encoded becomes a dead letter and leaves the table as it was.
 */
public final class LabelSetEncoder implements Processor<byte[], byte[], byte[], SpecificRecord> {
    public static final String PROMPT_STORE = "prompt-embeddings";
    public static final String MEMBERS_STORE = "label-set-members";
    private static final int TEXT_BATCH = 32;

    private final Deserializer<LabelSet> labelSets;
    private final TextEncoder text;
    private final LabelSetRules rules;
    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<String, float[]> promptCache;
    private KeyValueStore<String, LabelSetMembers> members;

    public LabelSetEncoder(Deserializer<LabelSet> labelSets, TextEncoder text, LabelSetRules rules) {
        this.labelSets = labelSets;
        this.text = text;
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.promptCache = context.getStateStore(PROMPT_STORE);
        this.members = context.getStateStore(MEMBERS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        InputRecord input = input(record);
        String setId = input.keyText();
        if (record.value() == null) {
            delete(setId, record.timestamp());
            return;
        }
        LabelSet set;
        try {
            set = labelSets.deserialize(input.topic(), record.value());
        } catch (InvalidRecordException e) {
            deadLetter(input, ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, e.getMessage());
            return;
        }
        Optional<String> problem = rules.problem(setId, set);
        LabelSetMembers previous = members.get(setId);
        if (problem.isEmpty() && previous != null && set.getVersion() < previous.version()) {
            problem = Optional.of("version " + set.getVersion() + " is older than the current " + previous.version());
        }
        if (problem.isPresent()) {
            deadLetter(input, ErrorCode.INVALID_LABEL_SET, Stage.ENCODE_LABELS, problem.get());
            return;
        }
        List<float[]> embeddings;
        try {
            embeddings = encode(set);
        } catch (RuntimeException e) {
            deadLetter(input, ErrorCode.MODEL_ERROR, Stage.ENCODE_LABELS, "text tower failed: " + e);
            return;
        }
        List<Label> labels = set.getLabels();
        List<String> names = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            Label label = labels.get(i);
            names.add(label.getName());
            LabelEmbedding embedding = LabelEmbedding.newBuilder()
                    .setLabelSetId(setId)
                    .setLabelSetVersion(set.getVersion())
                    .setLabel(label.getName())
                    .setIndex(i)
                    .setLabelCount(labels.size())
                    .setThreshold(label.getThreshold())
                    .setModelId(text.modelId())
                    .setEmbedding(boxed(embeddings.get(i)))
                    .build();
            context.forward(new Record<>(labelKey(setId, label.getName()), embedding, record.timestamp()));
        }
        if (previous != null) {
            Set<String> kept = new HashSet<>(names);
            for (String old : previous.names()) {
                if (!kept.contains(old)) {
                    context.forward(new Record<>(labelKey(setId, old), null, record.timestamp()));
                }
            }
        }
        members.put(setId, new LabelSetMembers(set.getVersion(), names));
    }

    /** Each label's ensemble embedding, encoding only prompts not yet in the cache. */
    private List<float[]> encode(LabelSet set) {
        Map<String, float[]> known = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (Label label : set.getLabels()) {
            for (String prompt : LabelSetRules.prompts(set, label)) {
                if (!known.containsKey(prompt) && !missing.contains(prompt)) {
                    float[] cached = promptCache.get(cacheKey(prompt));
                    if (cached != null) {
                        known.put(prompt, cached);
                    } else {
                        missing.add(prompt);
                    }
                }
            }
        }
        List<String> todo = new ArrayList<>(missing);
        for (int from = 0; from < todo.size(); from += TEXT_BATCH) {
            List<String> chunk = todo.subList(from, Math.min(todo.size(), from + TEXT_BATCH));
            float[][] rows = text.encodeTexts(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                known.put(chunk.get(i), rows[i]);
                promptCache.put(cacheKey(chunk.get(i)), rows[i]);
            }
        }
        List<float[]> result = new ArrayList<>(set.getLabels().size());
        for (Label label : set.getLabels()) {
            List<String> prompts = LabelSetRules.prompts(set, label);
            float[][] rows = new float[prompts.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = known.get(prompts.get(i));
            }
            result.add(ZeroShotClassifier.ensemble(rows));
        }
        return result;
    }

    private void delete(String setId, long timestamp) {
        LabelSetMembers previous = members.get(setId);
        if (previous == null) {
            return;
        }
        for (String name : previous.names()) {
            context.forward(new Record<>(labelKey(setId, name), null, timestamp));
        }
        members.delete(setId);
    }

    private String cacheKey(String prompt) {
        return text.modelId() + "\u0000" + prompt;
    }

    /** The label-embeddings key of one label: {@code <setId>/<label>}. */
    public static byte[] labelKey(String setId, String label) {
        return (setId + "/" + label).getBytes(StandardCharsets.UTF_8);
    }

    private InputRecord input(Record<byte[], byte[]> record) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return new InputRecord(meta.map(RecordMetadata::topic).orElse(""), meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L), record.timestamp(), record.key(), record.value());
    }

    private void deadLetter(InputRecord input, ErrorCode code, Stage stage, String message) {
        DeadLetter letter = DeadLetters.of(input, code, stage, message, context.currentSystemTimeMs());
        context.forward(new Record<>(input.key(), letter, input.timestamp()));
    }

    private static List<Float> boxed(float[] v) {
        List<Float> list = new ArrayList<>(v.length);
        for (float x : v) {
            list.add(x);
        }
        return list;
    }
}
