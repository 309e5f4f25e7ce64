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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The text tower step: a {@link LabelSet} becomes one {@link LabelEmbedding} per label (keyed {@code <set>/<label>}),
 * plus tombstones for labels the previous version had and this one has not. Prompt embeddings are cached in the
 * changelogged store {@value #PROMPT_STORE} (key: model id, NUL, prompt text) so re-sending a large set with one
 * label changed encodes only that label's prompts. A set tombstone deletes all its labels. A set that cannot be
 * read or encoded becomes a dead letter and leaves the table as it was.
 *
 * <p>A large new set (1,000 labels × 80 templates) takes the real text tower many minutes, far longer than an
 * exactly-once transaction may stay open. So a valid set is parked in {@value #PENDING_STORE} and encoded
 * {@code promptsPerStep} new prompts at a time, one step per record or wall-clock punctuation, each step committed
 * with its cache entries; the embeddings are written once every prompt is cached. A newer version or a tombstone
 * replaces a parked set.
 */
public final class LabelSetEncoder implements Processor<byte[], byte[], byte[], SpecificRecord> {
    public static final String PROMPT_STORE = "prompt-embeddings";
    public static final String MEMBERS_STORE = "label-set-members";
    public static final String PENDING_STORE = "label-sets-pending";
    /**
     * New prompts encoded per step. Estimated from docs/ND4J.md (RoBERTa-base 3.9 sequences/s at 77 tokens, real-length
     * prompts ~7× less work): one to two seconds of the real text tower on 2 cores, well inside the transaction timeout.
     */
    public static final int DEFAULT_PROMPTS_PER_STEP = 32;
    private static final int TEXT_BATCH = 32;
    private static final Duration STEP_INTERVAL = Duration.ofMillis(100);

    private final Deserializer<LabelSet> labelSets;
    private final TextEncoder text;
    private final LabelSetRules rules;
    private final int promptsPerStep;
    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<String, float[]> promptCache;
    private KeyValueStore<String, LabelSetMembers> members;
    private KeyValueStore<String, byte[]> pending;

    public LabelSetEncoder(Deserializer<LabelSet> labelSets, TextEncoder text, LabelSetRules rules) {
        this(labelSets, text, rules, DEFAULT_PROMPTS_PER_STEP);
    }

    public LabelSetEncoder(Deserializer<LabelSet> labelSets, TextEncoder text, LabelSetRules rules, int promptsPerStep) {
        this.labelSets = labelSets;
        this.text = text;
        this.rules = rules;
        this.promptsPerStep = promptsPerStep;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.promptCache = context.getStateStore(PROMPT_STORE);
        this.members = context.getStateStore(MEMBERS_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        context.schedule(STEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> stepPending());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        InputRecord input = input(record);
        String setId = input.keyText();
        if (record.value() == null) {
            pending.delete(setId);
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
        pending.put(setId, input.toBytes());
        step(setId, input, set, promptsPerStep);
    }

    /** One punctuation: at most {@code promptsPerStep} new prompts over all parked sets. */
    private void stepPending() {
        List<KeyValue<String, byte[]>> parked = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            it.forEachRemaining(parked::add);
        }
        int budget = promptsPerStep;
        for (KeyValue<String, byte[]> kv : parked) {
            if (budget <= 0) {
                return;
            }
            InputRecord input = InputRecord.fromBytes(kv.value);
            budget -= step(kv.key, input, labelSets.deserialize(input.topic(), input.value()), budget);
        }
    }

    /** Encodes up to {@code budget} uncached prompts of a parked set; writes its embeddings once none is left. */
    private int step(String setId, InputRecord input, LabelSet set, int budget) {
        List<String> missing = uncached(set);
        List<String> now = missing.subList(0, Math.min(budget, missing.size()));
        try {
            for (int from = 0; from < now.size(); from += TEXT_BATCH) {
                List<String> chunk = now.subList(from, Math.min(now.size(), from + TEXT_BATCH));
                float[][] rows = text.encodeTexts(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    promptCache.put(cacheKey(chunk.get(i)), rows[i]);
                }
            }
        } catch (RuntimeException e) {
            pending.delete(setId);
            deadLetter(input, ErrorCode.MODEL_ERROR, Stage.ENCODE_LABELS, "text tower failed: " + e);
            return now.size();
        }
        if (now.size() == missing.size()) {
            pending.delete(setId);
            emit(setId, set, input.timestamp());
        }
        return now.size();
    }

    private List<String> uncached(LabelSet set) {
        Set<String> missing = new LinkedHashSet<>();
        for (Label label : set.getLabels()) {
            for (String prompt : LabelSetRules.prompts(set, label)) {
                if (!missing.contains(prompt) && promptCache.get(cacheKey(prompt)) == null) {
                    missing.add(prompt);
                }
            }
        }
        return new ArrayList<>(missing);
    }

    /** Every label's ensemble embedding from the cache, tombstones for dropped labels, and the new member list. */
    private void emit(String setId, LabelSet set, long timestamp) {
        List<Label> labels = set.getLabels();
        List<String> names = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            Label label = labels.get(i);
            names.add(label.getName());
            List<String> prompts = LabelSetRules.prompts(set, label);
            float[][] rows = new float[prompts.size()][];
            for (int p = 0; p < rows.length; p++) {
                rows[p] = promptCache.get(cacheKey(prompts.get(p)));
            }
            LabelEmbedding embedding = LabelEmbedding.newBuilder()
                    .setLabelSetId(setId)
                    .setLabelSetVersion(set.getVersion())
                    .setLabel(label.getName())
                    .setIndex(i)
                    .setLabelCount(labels.size())
                    .setThreshold(label.getThreshold())
                    .setTopK(set.getTopK())
                    .setModelId(text.modelId())
                    .setEmbedding(boxed(ZeroShotClassifier.ensemble(rows)))
                    .build();
            context.forward(new Record<>(labelKey(setId, label.getName()), embedding, timestamp));
        }
        LabelSetMembers previous = members.get(setId);
        if (previous != null) {
            Set<String> kept = new HashSet<>(names);
            for (String old : previous.names()) {
                if (!kept.contains(old)) {
                    context.forward(new Record<>(labelKey(setId, old), null, timestamp));
                }
            }
        }
        members.put(setId, new LabelSetMembers(set.getVersion(), names));
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
