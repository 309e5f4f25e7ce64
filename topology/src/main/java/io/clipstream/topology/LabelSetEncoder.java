package io.clipstream.topology;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.InvalidRecordException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text tower step: a {@link LabelSet} becomes one {@link LabelEmbedding} per label (keyed {@code <set>/<label>}),
 * plus tombstones for labels the previous version had and this one has not. A set tombstone deletes all its labels.
 * A set that cannot be read, breaks the {@link LabelSetRules} or fails in the text tower becomes a dead letter and
 * leaves the table as it was.
 *
 * <p>Prompt embeddings are cached in the changelogged store {@value #PROMPT_STORE} (key: model id, NUL, prompt), so
 * re-sending a large set with one label changed encodes only that label's prompts; example images' embeddings are
 * cached there too, by the hash of their pixels ({@link ExampleImages}). A set is encoded in steps, under the
 * {@link TextTowerShare} rule, by two {@link LabelCursor}s that walk first its example images (a step prepares up to
 * {@value #EXAMPLE_BATCH} and runs the uncached ones through the image tower; an example that cannot be used fails
 * the set early, before its prompts are encoded), then its prompts (a step encodes the next uncached text batch).
 * Each step commits its cache entries with the cursors, so memory does not grow with the set and no exactly-once
 * transaction stays open for long. The changelogged store {@value #PENDING_STORE} holds, per set under way, where
 * its record is, the cursors and the hashes of the examples passed (never the set itself); after a restart the record
 * is read back and encoding goes on from the cursors. Once everything is cached, the label embeddings are written
 * ({@link LabelBlend}). A newer version or a tombstone replaces a set under way.
 */
public final class LabelSetEncoder implements Processor<byte[], byte[], byte[], Outcome<LabelEmbedding>> {
    private static final Logger LOG = LoggerFactory.getLogger(LabelSetEncoder.class);
    public static final String PROMPT_STORE = "prompt-embeddings";
    public static final String MEMBERS_STORE = "label-set-members";
    public static final String PENDING_STORE = "label-sets-pending";
    /** Prompts per text-tower call, as the model batches them. */
    public static final int TEXT_BATCH = io.clipstream.model.ClipModel.TEXT_BATCH;
    /** Cached prompts a step passes over at most while it looks for uncached ones. */
    private static final int MAX_SCAN = 4_096;
    private static final Duration TICK = Duration.ofMillis(20);
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;
    /**
     * Example images a step prepares at most (decode, and the image tower for those not cached), of which at most one
     * by URL: a fetch may take its whole timeout on the stream thread, and one is what a transaction can wait for.
     */
    static final int EXAMPLE_BATCH = 4;
    /** A pending entry of a set without examples, written before examples existed: the prompt cursor only. */
    private static final byte POSITION = 2;
    /** A pending entry with both cursors and the pixel hashes of the examples passed. */
    private static final byte POSITION_WITH_EXAMPLES = 3;

    /** A set under way: its record, the set, its cursors, the examples' hashes so far, when progress was logged. */
    private static final class Encoding {
        final InputRecord input;
        final LabelSet set;
        final LabelCursor examples;
        final LabelCursor prompts;
        final List<byte[]> exampleHashes;
        final long startNanos;
        long loggedNanos;

        Encoding(InputRecord input, LabelSet set, LabelCursor examples, LabelCursor prompts, List<byte[]> hashes,
                 long now) {
            this.input = input;
            this.set = set;
            this.examples = examples;
            this.prompts = prompts;
            this.exampleHashes = new ArrayList<>(hashes);
            this.startNanos = now;
            this.loggedNanos = now;
        }

        static Encoding start(InputRecord input, LabelSet set, long now) {
            return new Encoding(input, set, LabelCursor.examples(set, 0, 0), LabelCursor.prompts(set, 0, 0),
                    List.of(), now);
        }

        boolean atEnd() {
            return examples.atEnd() && prompts.atEnd();
        }

        long passed() {
            return examples.passed() + prompts.passed();
        }

        long total() {
            return examples.total() + prompts.total();
        }
    }

    private final Deserializer<LabelSet> labelSets;
    private final TextEncoder text;
    private final ExampleImages exampleImages;
    private final LabelSetRules rules;
    private final TextTowerShare share;
    private final LabelSetProgress progress;
    private final int maxRecordBytes;
    private final LinkedHashMap<String, Encoding> encodings = new LinkedHashMap<>();
    private ProcessorContext<byte[], Outcome<LabelEmbedding>> context;
    private KeyValueStore<String, float[]> promptCache;
    private KeyValueStore<String, LabelSetMembers> members;
    private KeyValueStore<String, byte[]> pending;

    LabelSetEncoder(Deserializer<LabelSet> labelSets, TextEncoder text, ExampleImages exampleImages, LabelSetRules rules,
                    TextTowerShare share, LabelSetProgress progress, int maxRecordBytes) {
        this.labelSets = labelSets;
        this.text = text;
        this.exampleImages = exampleImages;
        this.rules = rules;
        this.share = share;
        this.progress = progress;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<byte[], Outcome<LabelEmbedding>> context) {
        this.context = context;
        this.promptCache = context.getStateStore(PROMPT_STORE);
        this.members = context.getStateStore(MEMBERS_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        encodings.clear();
        restore();
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, now -> tick());
    }

    /** Reads back the sets a previous run had under way and goes on from their cursors. */
    private void restore() {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            it.forEachRemaining(entries::add);
        }
        if (entries.isEmpty()) {
            return;
        }
        Map<String, InputRecord> inputs = new HashMap<>();
        Map<String, Position> cursors = new HashMap<>();
        Map<String, List<Long>> byPartition = new HashMap<>();
        Map<String, Position> positions = new HashMap<>();
        for (KeyValue<String, byte[]> kv : entries) {
            if (kv.value.length > 0 && (kv.value[0] == POSITION || kv.value[0] == POSITION_WITH_EXAMPLES)) {
                Position p = Position.decode(kv.value);
                positions.put(kv.key, p);
                cursors.put(kv.key, p);
                byPartition.computeIfAbsent(p.partition + "\u0000" + p.topic, k -> new ArrayList<>()).add(p.offset);
            } else {
                inputs.put(kv.key, InputRecord.fromBytes(kv.value));       // written before positions were kept
                cursors.put(kv.key, Position.atStart());
            }
        }
        if (!positions.isEmpty()) {
            Map<String, Map<Long, InputRecord>> read = new HashMap<>();
            try (SourceReader reader = SourceReader.fromConfig(context.appConfigs())) {
                for (Map.Entry<String, Position> e : positions.entrySet()) {
                    Position p = e.getValue();
                    Map<Long, InputRecord> found = read.computeIfAbsent(p.partition + "\u0000" + p.topic,
                            k -> reader.read(p.topic, p.partition, byPartition.get(k)));
                    InputRecord input = found.get(p.offset);
                    if (input == null) {
                        // compacted away: a newer record of this set follows it and replaces it
                        LOG.warn("label set {} was under way and its record is gone; a newer version replaces it", e.getKey());
                        pending.delete(e.getKey());
                    } else {
                        inputs.put(e.getKey(), input);
                    }
                }
            }
        }
        for (Map.Entry<String, InputRecord> e : inputs.entrySet()) {
            InputRecord input = e.getValue();
            Position at = cursors.get(e.getKey());
            try {
                LabelSet set = labelSets.deserialize(input.topic(), input.value());
                track(e.getKey(), at.resume(input, set, share.now()));
                LOG.info("label set {} v{}: encoding goes on after the restart", e.getKey(), set.getVersion());
            } catch (RuntimeException ex) {
                pending.delete(e.getKey());
                deadLetter(input, ErrorCode.INTERNAL_ERROR, Stage.ENCODE_LABELS,
                        "label set under way could not be read back after a restart: " + ex);
            }
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        InputRecord input = InputRecords.of(context, record);
        Optional<String> oversized = RecordLimits.oversizedEnvelope(input);
        if (oversized.isPresent()) {
            deadLetter(input, ErrorCode.RECORD_TOO_LARGE, Stage.DESERIALIZE, oversized.get());
            return;
        }
        String setId = input.keyText();
        if (record.value() == null) {
            forget(setId);
            delete(setId, input);
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
        Encoding encoding = Encoding.start(input, set, share.now());
        forget(setId);
        track(setId, encoding);
        pending.put(setId, Position.of(encoding).encode());
        LOG.info("label set {} v{}: {} labels, {} prompts and {} example images to encode", setId, set.getVersion(),
                set.getLabels().size(), encoding.prompts.total(), encoding.examples.total());
        tick();
    }

    /** One step for the set that has waited longest, if the {@link TextTowerShare} allows one now. */
    private void tick() {
        if (encodings.isEmpty() || !share.mayStep()) {
            return;
        }
        long start = share.now();
        Map.Entry<String, Encoding> first = encodings.entrySet().iterator().next();
        String setId = first.getKey();
        Encoding encoding = first.getValue();
        encodings.remove(setId);
        boolean more = step(setId, encoding, start);
        share.stepped(start);
        if (more) {
            encodings.put(setId, encoding);           // round robin between the sets under way
        }
    }

    /**
     * Encodes an example batch or a text batch, or more, of the set's uncached examples, then prompts; false once the
     * set is written or dropped.
     */
    private boolean step(String setId, Encoding e, long start) {
        try {
            do {
                if (!e.examples.atEnd()) {
                    Optional<Preparation.Failed> failed = exampleBatch(setId, e);
                    if (failed.isPresent()) {
                        forget(setId);
                        deadLetter(e.input, failed.get().code(), failed.get().stage(), failed.get().message());
                        return false;
                    }
                } else {
                    textBatch(e.set, e.prompts);
                }
            } while (!e.atEnd() && share.mayContinue(start));
        } catch (RuntimeException ex) {
            LOG.warn("label set {}: a tower failed", setId, ex);
            forget(setId);
            deadLetter(e.input, ErrorCode.MODEL_ERROR, Stage.ENCODE_LABELS, "tower failed: " + ex);
            return false;
        }
        if (!e.atEnd()) {
            pending.put(setId, Position.of(e).encode());
            track(setId, e);
            return true;
        }
        forget(setId);
        emit(setId, e);
        LOG.info("label set {} v{}: ready, {} prompts and {} example images in {} ms", setId, e.set.getVersion(),
                e.prompts.total(), e.examples.total(), (share.now() - e.startNanos) / 1_000_000);
        return false;
    }

    /** The next text batch of uncached prompts through the text tower, into the cache. */
    private void textBatch(LabelSet set, LabelCursor cursor) {
        List<String> batch = nextUncached(set, cursor);
        if (!batch.isEmpty()) {
            float[][] rows = text.encodeTexts(batch);
            for (int i = 0; i < batch.size(); i++) {
                promptCache.put(cacheKey(batch.get(i)), rows[i]);
            }
        }
    }

    /**
     * Prepares the next {@value #EXAMPLE_BATCH} examples at the cursor, stopping before a second one by URL, and runs
     * those not cached yet through the image tower, into the cache; the first example that cannot be used stops it,
     * named in the failure's message.
     */
    private Optional<Preparation.Failed> exampleBatch(String setId, Encoding e) {
        LabelCursor cursor = e.examples;
        List<float[]> pixels = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        boolean fetched = false;
        for (int passed = 0; !cursor.atEnd() && passed < EXAMPLE_BATCH; passed++) {
            Label label = cursor.currentLabel();
            int item = cursor.item();
            LabelExample example = label.getExamples().get(item);
            if (example.getUrl() != null && fetched) {
                break;
            }
            fetched |= example.getUrl() != null;
            Preparation prepared = exampleImages.prepare(setId + "/" + label.getName(), example);
            if (prepared instanceof Preparation.Failed failed) {
                return Optional.of(new Preparation.Failed(failed.code(), failed.stage(), "label \"" + label.getName()
                        + "\" example " + (item + 1) + " of " + label.getExamples().size() + ": " + failed.message()));
            }
            float[] image = ((Preparation.Ready) prepared).pixels();
            byte[] hash = ExampleImages.hash(image);
            e.exampleHashes.add(hash);
            String key = ExampleImages.cacheKey(text.modelId(), hash);
            if (!keys.contains(key) && promptCache.get(key) == null) {
                pixels.add(image);
                keys.add(key);
            }
            cursor.advance();
        }
        if (!pixels.isEmpty()) {
            float[][] rows = exampleImages.encode(pixels);
            for (int i = 0; i < keys.size(); i++) {
                promptCache.put(keys.get(i), rows[i]);
            }
        }
        return Optional.empty();
    }

    /** The next prompts at the cursor that are not cached yet: at most a text batch, passing over at most MAX_SCAN. */
    private List<String> nextUncached(LabelSet set, LabelCursor cursor) {
        Set<String> batch = new LinkedHashSet<>();
        for (int scanned = 0; !cursor.atEnd() && batch.size() < TEXT_BATCH && scanned < MAX_SCAN; scanned++) {
            String prompt = LabelSetRules.prompt(set, cursor.currentLabel(), cursor.item());
            if (!batch.contains(prompt) && promptCache.get(cacheKey(prompt)) == null) {
                batch.add(prompt);
            }
            cursor.advance();
        }
        return new ArrayList<>(batch);
    }

    private void track(String setId, Encoding e) {
        encodings.put(setId, e);
        progress.update(setId, e.set.getVersion(), e.passed(), e.total());
        long now = share.now();
        if (now - e.loggedNanos >= LOG_EVERY_NANOS) {
            e.loggedNanos = now;
            LOG.info("label set {} v{}: {} of {} example images and {} of {} prompts ({} %)", setId,
                    e.set.getVersion(), e.examples.passed(), e.examples.total(), e.prompts.passed(), e.prompts.total(),
                    e.passed() * 100 / Math.max(1, e.total()));
        }
    }

    private void forget(String setId) {
        encodings.remove(setId);
        pending.delete(setId);
        progress.remove(setId);
    }

    /**
     * Every label's embedding from the cache (its prompts and examples blended by {@link LabelBlend}), tombstones for
     * dropped labels, and the new member list.
     */
    private void emit(String setId, Encoding e) {
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
                rows[p] = promptCache.get(cacheKey(LabelSetRules.prompt(set, label, p)));
                if (rows[p] == null) {
                    deadLetter(input, ErrorCode.INTERNAL_ERROR, Stage.ENCODE_LABELS, "prompt embedding of \""
                            + LabelSetRules.prompt(set, label, p) + "\" missing from the cache");
                    return;
                }
            }
            float[][] examples = new float[label.getExamples().size()][];
            for (int x = 0; x < examples.length; x++, exampleIndex++) {
                examples[x] = promptCache.get(ExampleImages.cacheKey(text.modelId(), e.exampleHashes.get(exampleIndex)));
                if (examples[x] == null) {
                    deadLetter(input, ErrorCode.INTERNAL_ERROR, Stage.ENCODE_LABELS, "embedding of label \""
                            + label.getName() + "\" example " + (x + 1) + " missing from the cache");
                    return;
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
                    .setModelId(text.modelId())
                    .setEmbedding(boxed(LabelBlend.of(rows, examples, LabelBlend.weight(label))))
                    .build();
            out.add(new Record<>(labelKey(setId, label.getName()), Outcome.of(embedding), input.timestamp(),
                    RecordLimits.headersOf(input)));
        }
        out.forEach(context::forward);
        LabelSetMembers previous = members.get(setId);
        if (previous != null) {
            Set<String> kept = new HashSet<>(names);
            for (String old : previous.names()) {
                if (!kept.contains(old)) {
                    context.forward(new Record<>(labelKey(setId, old), Outcome.of(null), input.timestamp(),
                            RecordLimits.headersOf(input)));
                }
            }
        }
        members.put(setId, new LabelSetMembers(set.getVersion(), names));
    }

    private void delete(String setId, InputRecord input) {
        LabelSetMembers previous = members.get(setId);
        if (previous == null) {
            return;
        }
        for (String name : previous.names()) {
            context.forward(new Record<>(labelKey(setId, name), Outcome.of(null), input.timestamp(),
                    RecordLimits.headersOf(input)));
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

    private void deadLetter(InputRecord input, ErrorCode code, Stage stage, String message) {
        LOG.warn("dead letter {} for label set {}: {}", code, input.keyText(), message);
        context.forward(new Record<>(DeadLetters.recordKey(input), Outcome.failed(
                DeadLetters.of(input, code, stage, message, context.currentSystemTimeMs(), maxRecordBytes)),
                input.timestamp(), RecordLimits.headersOf(input)));
    }

    private static List<Float> boxed(float[] v) {
        List<Float> list = new ArrayList<>(v.length);
        for (float x : v) {
            list.add(x);
        }
        return list;
    }

    /**
     * A {@value #PENDING_STORE} entry: {@code [3][partition][offset][label][prompt][example label][example]
     * [hash count][32-byte hashes…][topic]}. Entries written before examples existed, {@code [2][partition][offset]
     * [label][prompt][topic]}, are still read: their sets are walked again from the start when they have examples
     * (the cache makes that cheap), else from their prompt cursor.
     */
    private record Position(String topic, int partition, long offset, int label, int prompt, int exampleLabel,
                            int example, List<byte[]> hashes, boolean knowsExamples) {
        private static final int HASH_BYTES = 32;

        static Position of(Encoding e) {
            return new Position(e.input.topic(), e.input.partition(), e.input.offset(), e.prompts.label(),
                    e.prompts.item(), e.examples.label(), e.examples.item(), e.exampleHashes, true);
        }

        /** Where a set whose pending entry holds its whole record (the oldest format) starts again. */
        static Position atStart() {
            return new Position("", 0, 0, 0, 0, 0, 0, List.of(), true);
        }

        Encoding resume(InputRecord input, LabelSet set, long now) {
            boolean hasExamples = set.getLabels().stream().anyMatch(l -> !l.getExamples().isEmpty());
            if (!knowsExamples && hasExamples) {
                return Encoding.start(input, set, now);
            }
            return new Encoding(input, set, LabelCursor.examples(set, exampleLabel, example),
                    LabelCursor.prompts(set, label, prompt), hashes, now);
        }

        byte[] encode() {
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 + 4 * 4 + 4 + HASH_BYTES * hashes.size() + t.length)
                    .put(POSITION_WITH_EXAMPLES).putInt(partition).putLong(offset).putInt(label).putInt(prompt)
                    .putInt(exampleLabel).putInt(example).putInt(hashes.size());
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
            return new Position(new String(t, StandardCharsets.UTF_8), partition, offset, label, prompt, exampleLabel,
                    example, hashes, knowsExamples);
        }
    }
}
