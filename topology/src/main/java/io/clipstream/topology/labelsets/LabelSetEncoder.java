package io.clipstream.topology.labelsets;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.InvalidRecordException;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.InputRecords;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.SourceReader;
import io.clipstream.topology.TextEncoder;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import io.clipstream.topology.deadletters.DeadLetters;
import io.clipstream.topology.images.Preparation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * transaction stays open for long. The sets under way ({@link LabelEncoding}) are kept in {@link PendingLabelSets}
 * (where each record is and its cursors, never the set itself); after a restart the record is read back and encoding
 * goes on from the cursors. Once everything is cached, {@link LabelEmbeddings} makes the output. A newer version or a
 * tombstone replaces a set under way. Text batches run on the instance's {@link TextTowerThread}, not on the stream
 * thread: while one runs the stream thread goes on with images, and the step ends (its rows cached, its cursors
 * saved) at the first punctuation after the batch is done; no other step starts meanwhile.
 *
 * <p>A set whose embeddings the global {@code label-embeddings} table already holds, complete, for this model and
 * made from the same content ({@link LabelSetDigest}), is not encoded: its embeddings are written again from the
 * table ({@link EncodedLabelSets}). A service under a new application id reads every set again, and without this it
 * would spend minutes of both cores on each large set it finds already encoded.
 */
public final class LabelSetEncoder implements Processor<byte[], byte[], byte[], Outcome<LabelEmbedding>> {
    private static final Logger LOG = LoggerFactory.getLogger(LabelSetEncoder.class);
    public static final String PROMPT_STORE = "prompt-embeddings";
    public static final String MEMBERS_STORE = "label-set-members";
    public static final String PENDING_STORE = PendingLabelSets.STORE;
    /** Cached prompts a step passes over at most while it looks for uncached ones. */
    private static final int MAX_SCAN = 4_096;

    private static final Duration TICK = Duration.ofMillis(20);
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;
    /**
     * Example images a step prepares at most (decode, and the image tower for those not cached), of which at most one
     * by URL: a fetch may take its whole timeout on the stream thread, and one is what a transaction can wait for.
     */
    static final int EXAMPLE_BATCH = 4;

    private final Deserializer<LabelSet> labelSets;
    private final TextEncoder text;
    private final ExampleImages exampleImages;
    private final LabelSetRules rules;
    private final TextTowerShare share;
    private final TextTowerThread textThread;
    private final LabelSetProgress progress;
    private final int maxRecordBytes;
    private final LinkedHashMap<String, LabelEncoding> encodings = new LinkedHashMap<>();
    private ProcessorContext<byte[], Outcome<LabelEmbedding>> context;
    private KeyValueStore<String, float[]> promptCache;
    private KeyValueStore<String, LabelSetMembers> members;
    private PendingLabelSets pending;
    private LabelEmbeddings output;
    private EncodedLabelSets encoded;
    /** The text batch running on the {@link TextTowerThread}, if any: no step starts until it is done. */
    private InFlight inFlight;

    /** A text batch of a set under way, running off the stream thread; its rows are cached once it is done. */
    private record InFlight(
            String setId, LabelEncoding encoding, List<String> prompts, Future<float[][]> rows, long start) {}

    public LabelSetEncoder(
            Deserializer<LabelSet> labelSets,
            TextEncoder text,
            ExampleImages exampleImages,
            LabelSetRules rules,
            TextTowerShare share,
            TextTowerThread textThread,
            LabelSetProgress progress,
            int maxRecordBytes) {
        this.labelSets = labelSets;
        this.text = text;
        this.exampleImages = exampleImages;
        this.rules = rules;
        this.share = share;
        this.textThread = textThread;
        this.progress = progress;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<byte[], Outcome<LabelEmbedding>> context) {
        this.context = context;
        this.promptCache = context.getStateStore(PROMPT_STORE);
        this.members = context.getStateStore(MEMBERS_STORE);
        this.pending = new PendingLabelSets(context.getStateStore(PENDING_STORE));
        this.output = new LabelEmbeddings(promptCache, text.modelId());
        this.encoded = new EncodedLabelSets(context.getStateStore(LabelEmbeddingLoader.STORE), text.modelId());
        encodings.clear();
        inFlight = null;
        restore();
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, now -> tick());
    }

    /** Reads back the sets a previous run had under way and goes on from their cursors. */
    private void restore() {
        List<PendingLabelSets.Entry> entries = pending.entries();
        if (entries.isEmpty()) {
            return;
        }
        Map<String, InputRecord> inputs = new HashMap<>();
        Map<String, List<Long>> byPartition = new HashMap<>();
        for (PendingLabelSets.Entry e : entries) {
            if (e.record() != null) {
                inputs.put(e.setId(), e.record()); // written before positions were kept
            } else {
                byPartition
                        .computeIfAbsent(
                                e.position().partition() + "\u0000"
                                        + e.position().topic(),
                                k -> new ArrayList<>())
                        .add(e.position().offset());
            }
        }
        if (!byPartition.isEmpty()) {
            Map<String, Map<Long, InputRecord>> read = new HashMap<>();
            try (SourceReader reader = SourceReader.fromConfig(context.appConfigs())) {
                for (PendingLabelSets.Entry e : entries) {
                    if (e.record() != null) {
                        continue;
                    }
                    PendingLabelSets.Position p = e.position();
                    Map<Long, InputRecord> found = read.computeIfAbsent(
                            p.partition() + "\u0000" + p.topic(),
                            k -> reader.read(p.topic(), p.partition(), byPartition.get(k)));
                    InputRecord input = found.get(p.offset());
                    if (input == null) {
                        // compacted away: a newer record of this set follows it and replaces it
                        LOG.warn(
                                "label set {} was under way and its record is gone; a newer version replaces it",
                                e.setId());
                        pending.delete(e.setId());
                    } else {
                        inputs.put(e.setId(), input);
                    }
                }
            }
        }
        for (PendingLabelSets.Entry e : entries) {
            InputRecord input = inputs.get(e.setId());
            if (input == null) {
                continue;
            }
            try {
                LabelSet set = labelSets.deserialize(input.topic(), input.value());
                track(e.setId(), e.position().resume(input, set, share.now()));
                LOG.info("label set {} v{}: encoding goes on after the restart", e.setId(), set.getVersion());
            } catch (RuntimeException ex) {
                pending.delete(e.setId());
                deadLetter(
                        input,
                        ErrorCode.INTERNAL_ERROR,
                        Stage.ENCODE_LABELS,
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
        LabelEncoding encoding = LabelEncoding.start(input, set, share.now());
        forget(setId);
        if (writeAgain(setId, encoding)) {
            return;
        }
        track(setId, encoding);
        pending.put(setId, encoding);
        LOG.info(
                "label set {} v{}: {} labels, {} prompts and {} example images to encode",
                setId,
                set.getVersion(),
                set.getLabels().size(),
                encoding.prompts.total(),
                encoding.examples.total());
        tick();
    }

    /**
     * Writes the set's embeddings again from the table when they are there already, complete, for this model and
     * this content (a new application id reads every set again); true if it did.
     */
    private boolean writeAgain(String setId, LabelEncoding e) {
        if (e.digest == null) {
            return false;
        }
        Optional<List<LabelEmbedding>> written = encoded.find(setId, e.set, e.digest);
        if (written.isEmpty()) {
            return false;
        }
        emit(setId, e.input, LabelEmbeddings.reused(setId, e.set, e.input, written.get(), members.get(setId)));
        LOG.info(
                "label set {} v{}: its {} label embeddings for model {} are in the table already, made from the same "
                        + "set; written again, not encoded",
                setId,
                e.set.getVersion(),
                written.get().size(),
                text.modelId());
        return true;
    }

    /**
     * Finishes the text batch in flight once it is done; then one step for the set that has waited longest, if the
     * {@link TextTowerShare} allows one now.
     */
    private void tick() {
        if (inFlight != null) {
            if (!inFlight.rows().isDone()) {
                return;
            }
            InFlight done = inFlight;
            inFlight = null;
            boolean more = textBatchDone(done);
            share.stepped(done.start());
            if (more) {
                encodings.put(done.setId(), done.encoding()); // round robin between the sets under way
            }
        }
        if (encodings.isEmpty() || !share.mayStep()) {
            return;
        }
        long start = share.now();
        Map.Entry<String, LabelEncoding> first = encodings.entrySet().iterator().next();
        String setId = first.getKey();
        LabelEncoding encoding = first.getValue();
        encodings.remove(setId);
        boolean more = step(setId, encoding, start);
        if (inFlight != null) {
            return; // the step goes on when its text batch is done
        }
        share.stepped(start);
        if (more) {
            encodings.put(setId, encoding);
        }
    }

    /**
     * Encodes an example batch or starts a text batch, or more, of the set's uncached examples, then prompts; false
     * once the set is written or dropped. A text batch that is not done at once leaves the step in flight.
     */
    private boolean step(String setId, LabelEncoding e, long start) {
        try {
            while (!e.atEnd()) {
                if (!e.examples.atEnd()) {
                    Optional<Preparation.Failed> failed = exampleBatch(setId, e);
                    if (failed.isPresent()) {
                        forget(setId);
                        deadLetter(
                                e.input,
                                failed.get().code(),
                                failed.get().stage(),
                                failed.get().message());
                        return false;
                    }
                } else if (startTextBatch(setId, e, start)) {
                    return true;
                }
                if (!share.mayContinue(start)) {
                    break;
                }
            }
        } catch (RuntimeException ex) {
            return towerFailed(setId, e, ex);
        }
        return endStep(setId, e);
    }

    /** Caches a finished text batch's rows and ends its step; false once the set is written or dropped. */
    private boolean textBatchDone(InFlight done) {
        LabelEncoding e = done.encoding();
        try {
            cache(done.prompts(), done.rows().get());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a text batch ran", ex);
        } catch (ExecutionException ex) {
            RuntimeException cause =
                    ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
            return towerFailed(done.setId(), e, cause);
        }
        return endStep(done.setId(), e);
    }

    private boolean towerFailed(String setId, LabelEncoding e, RuntimeException ex) {
        LOG.warn("label set {}: a tower failed", setId, ex);
        forget(setId);
        deadLetter(e.input, ErrorCode.MODEL_ERROR, Stage.ENCODE_LABELS, "tower failed: " + ex);
        return false;
    }

    /** Saves the cursors of a set still under way (true), or writes the finished set (false). */
    private boolean endStep(String setId, LabelEncoding e) {
        if (!e.atEnd()) {
            pending.put(setId, e);
            track(setId, e);
            return true;
        }
        forget(setId);
        emit(setId, e.input, output.of(setId, e, members.get(setId)));
        if (encodings.isEmpty()) {
            text.idleNow(); // the text tower (0.34 GB) need not wait out its idle time beside an image flood
        }
        LOG.info(
                "label set {} v{}: ready, {} prompts and {} example images in {} ms",
                setId,
                e.set.getVersion(),
                e.prompts.total(),
                e.examples.total(),
                (share.now() - e.startNanos) / 1_000_000);
        return false;
    }

    /**
     * Starts the next text batch of uncached prompts on the {@link TextTowerThread}; true if it is still running (in
     * flight), false if there was none or it is done and cached already.
     */
    private boolean startTextBatch(String setId, LabelEncoding e, long start) {
        List<String> batch = nextUncached(e.set, e.prompts);
        if (batch.isEmpty()) {
            return false;
        }
        Future<float[][]> rows = textThread.submit(() -> text.encodeTexts(batch));
        if (!rows.isDone()) {
            inFlight = new InFlight(setId, e, batch, rows, start);
            return true;
        }
        try {
            cache(batch, rows.get());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a text batch ran", ex);
        } catch (ExecutionException ex) {
            throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
        }
        return false;
    }

    private void cache(List<String> prompts, float[][] rows) {
        for (int i = 0; i < prompts.size(); i++) {
            promptCache.put(output.promptKey(prompts.get(i)), rows[i]);
        }
    }

    /**
     * Prepares the next {@value #EXAMPLE_BATCH} examples at the cursor, stopping before a second one by URL, and runs
     * those not cached yet through the image tower, into the cache; the first example that cannot be used stops it,
     * named in the failure's message.
     */
    private Optional<Preparation.Failed> exampleBatch(String setId, LabelEncoding e) {
        LabelCursor cursor = e.examples;
        List<RgbCrop> crops = new ArrayList<>();
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
                return Optional.of(new Preparation.Failed(
                        failed.code(),
                        failed.stage(),
                        "label \"" + label.getName() + "\" example " + (item + 1) + " of "
                                + label.getExamples().size() + ": " + failed.message()));
            }
            RgbCrop image = ((Preparation.Ready) prepared).crop();
            byte[] hash = ExampleImages.hash(image);
            e.exampleHashes.add(hash);
            String key = ExampleImages.cacheKey(text.modelId(), hash);
            if (!keys.contains(key) && promptCache.get(key) == null) {
                crops.add(image);
                keys.add(key);
            }
            cursor.advance();
        }
        if (!crops.isEmpty()) {
            float[][] rows = exampleImages.encode(crops);
            for (int i = 0; i < keys.size(); i++) {
                promptCache.put(keys.get(i), rows[i]);
            }
        }
        return Optional.empty();
    }

    /** The next prompts at the cursor that are not cached yet: at most a text batch, passing over at most MAX_SCAN. */
    private List<String> nextUncached(LabelSet set, LabelCursor cursor) {
        Set<String> batch = new LinkedHashSet<>();
        for (int scanned = 0; !cursor.atEnd() && batch.size() < ClipModel.TEXT_BATCH && scanned < MAX_SCAN; scanned++) {
            String prompt = LabelSetRules.prompt(set, cursor.currentLabel(), cursor.item());
            if (!batch.contains(prompt) && promptCache.get(output.promptKey(prompt)) == null) {
                batch.add(prompt);
            }
            cursor.advance();
        }
        return new ArrayList<>(batch);
    }

    private void track(String setId, LabelEncoding e) {
        encodings.put(setId, e);
        progress.update(setId, e.set.getVersion(), e.passed(), e.total());
        long now = share.now();
        if (now - e.loggedNanos >= LOG_EVERY_NANOS) {
            e.loggedNanos = now;
            LOG.info(
                    "label set {} v{}: {} of {} example images and {} of {} prompts ({} %)",
                    setId,
                    e.set.getVersion(),
                    e.examples.passed(),
                    e.examples.total(),
                    e.prompts.passed(),
                    e.prompts.total(),
                    e.passed() * 100 / Math.max(1, e.total()));
        }
    }

    private void forget(String setId) {
        if (inFlight != null && inFlight.setId().equals(setId)) {
            inFlight = null; // a newer version or a tombstone replaces it: its rows are not needed
        }
        encodings.remove(setId);
        pending.delete(setId);
        progress.remove(setId);
    }

    /** Every label's embedding, tombstones for dropped labels, and the new member list ({@link LabelEmbeddings}). */
    private void emit(String setId, InputRecord input, LabelEmbeddings.Output out) {
        if (out.missing() != null) {
            deadLetter(input, ErrorCode.INTERNAL_ERROR, Stage.ENCODE_LABELS, out.missing());
            return;
        }
        out.records().forEach(context::forward);
        members.put(setId, out.members());
    }

    private void delete(String setId, InputRecord input) {
        LabelSetMembers previous = members.get(setId);
        if (previous == null) {
            return;
        }
        LabelEmbeddings.tombstones(setId, previous.names(), input).forEach(context::forward);
        members.delete(setId);
    }

    /** The label-embeddings key of one label: {@code <setId>/<label>}. */
    public static byte[] labelKey(String setId, String label) {
        return LabelEmbeddings.labelKey(setId, label);
    }

    private void deadLetter(InputRecord input, ErrorCode code, Stage stage, String message) {
        LOG.warn("dead letter {} for label set {}: {}", code, input.keyText(), message);
        context.forward(new Record<>(
                DeadLetters.recordKey(input),
                Outcome.failed(
                        DeadLetters.of(input, code, stage, message, context.currentSystemTimeMs(), maxRecordBytes)),
                input.timestamp(),
                RecordLimits.headersOf(input)));
    }
}
