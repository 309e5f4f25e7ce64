package io.clipstream.topology.images;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.InvalidRecordException;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.InputRecords;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.SourceReader;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import io.clipstream.topology.catalog.LabelMatrix;
import io.clipstream.topology.deadletters.DeadLetters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The image step: every image record becomes, in arrival order per key, one classification (and embedding) or one
 * dead letter.
 * <ol>
 *   <li>Where the record is goes into the changelogged {@link ImageBuffer} (so an image read but not yet answered
 *       is answered after a restart, read back through a {@link SourceReader}), and its fetch or decode +
 *       preprocess starts at once on a small pool.</li>
 *   <li>The {@link BatchPolicy} says when to flush. An image is ready for a batch at once, or, given by URL, when
 *       its fetch is done. A flush takes the ready images in order; one still being fetched holds back only later
 *       images with the same key, so a slow host delays only its own images.</li>
 *   <li>The {@link TowerRunner} runs the batch through the image tower; {@link ImageAnswers} scores each image
 *       against its label set's matrix from the {@link LabelCatalog} and makes its output.</li>
 * </ol>
 */
public final class ImageClassifier implements Processor<byte[], byte[], byte[], Outcome<ClassifiedImage>> {
    private static final Logger LOG = LoggerFactory.getLogger(ImageClassifier.class);
    public static final String BUFFER_STORE = ImageBuffer.STORE;

    /** An image read and not yet in a batch: its input, its preparation under way, and whether it counts as ready. */
    private static final class Waiting {
        final InputRecord input;
        final Future<Preparation> preparation;
        final boolean fetching;
        boolean ready;

        Waiting(InputRecord input, Future<Preparation> preparation, boolean fetching) {
            this.input = input;
            this.preparation = preparation;
            this.fetching = fetching;
        }
    }

    private final Deserializer<ImageEvent> events;
    private final ImageEncoder encoder;
    private final ImagePreparer preparer;
    private final LabelCatalog catalog;
    private final TopologySettings settings;
    private final TowerThreads towers;
    private final ImageAnswers answers;
    private final LinkedHashMap<Long, Waiting> waiting = new LinkedHashMap<>();
    private ProcessorContext<byte[], Outcome<ClassifiedImage>> context;
    private ImageBuffer buffer;
    private BatchPolicy policy;
    private TowerRunner tower;
    private ReadOnlyKeyValueStore<String, LabelEmbedding> labels;
    private ExecutorService pool;
    private ExecutorService fetchPool;

    public ImageClassifier(
            Deserializer<ImageEvent> events,
            ImageEncoder encoder,
            ImagePreparer preparer,
            LabelCatalog catalog,
            TopologySettings settings,
            TowerThreads towers) {
        this.events = events;
        this.encoder = encoder;
        this.preparer = preparer;
        this.catalog = catalog;
        this.settings = settings;
        this.towers = towers;
        this.answers = new ImageAnswers(encoder.modelId(), settings);
    }

    @Override
    public void init(ProcessorContext<byte[], Outcome<ClassifiedImage>> context) {
        this.context = context;
        this.labels = context.getStateStore(LabelEmbeddingLoader.STORE);
        // A revived task is initialised again: forget work started before, its buffer is restored from the changelog.
        close();
        this.buffer = new ImageBuffer(context.getStateStore(BUFFER_STORE));
        this.policy = new BatchPolicy(settings.batchSize(), settings.maxWait().toMillis());
        this.tower = new TowerRunner(encoder, towers, settings.overlapTower());
        this.pool = daemons(settings.preprocessThreads(), "clipstream-preprocess");
        // URL images wait on the network, not the CPU: a batch's worth fetch at once.
        this.fetchPool = daemons(settings.batchSize(), "clipstream-fetch");
        restore();
        long tick = Math.max(1, settings.maxWait().toMillis() / 2);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    /** Reads back the images a previous run buffered and did not answer, and starts preparing them. */
    private void restore() {
        List<ImageBuffer.Entry> entries = buffer.entries();
        if (entries.isEmpty()) {
            return;
        }
        Map<String, List<Long>> offsets = new HashMap<>();
        for (ImageBuffer.Entry e : entries) {
            if (e.record() == null) {
                offsets.computeIfAbsent(e.partition() + "\u0000" + e.topic(), k -> new ArrayList<>())
                        .add(e.offset());
            }
        }
        Map<String, Map<Long, InputRecord>> found = new HashMap<>();
        if (!offsets.isEmpty()) {
            try (SourceReader reader = SourceReader.fromConfig(context.appConfigs())) {
                for (ImageBuffer.Entry e : entries) {
                    String where = e.partition() + "\u0000" + e.topic();
                    if (e.record() == null && !found.containsKey(where)) {
                        found.put(where, reader.read(e.topic(), e.partition(), offsets.get(where)));
                    }
                }
            }
        }
        for (ImageBuffer.Entry e : entries) {
            InputRecord input = e.record() != null
                    ? e.record()
                    : found.get(e.partition() + "\u0000" + e.topic()).get(e.offset());
            if (input == null) {
                InputRecord gone =
                        new InputRecord(e.topic(), e.partition(), e.offset(), e.arrivalMs(), e.key(), null, null);
                waiting.put(
                        e.seq(),
                        new Waiting(
                                gone,
                                CompletableFuture.completedFuture(new Preparation.Failed(
                                        ErrorCode.INTERNAL_ERROR,
                                        Stage.DESERIALIZE,
                                        "image record " + e.topic() + "-" + e.partition() + "@" + e.offset()
                                                + " was buffered before a restart and is no longer in the topic")),
                                false));
            } else {
                waiting.put(e.seq(), start(input));
            }
        }
        int ready = 0;
        for (Waiting w : waiting.values()) {
            w.ready = !w.fetching;
            ready += w.ready ? 1 : 0;
        }
        policy.restored(ready, entries.get(0).arrivalMs());
        LOG.info("{} images buffered before the restart are classified now", entries.size());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        emit(tower.finished());
        InputRecord input = InputRecords.of(context, record);
        long now = context.currentSystemTimeMs();
        Waiting w = start(input);
        waiting.put(buffer.add(input, now), w);
        boolean full = !w.fetching && becameReady(w, now);
        if (countFetched(now) || full) {
            flush();
        }
    }

    private void tick(long now) {
        emit(tower.finished());
        if (countFetched(now) || policy.due(now)) {
            flush();
        }
    }

    /** Counts the URL images whose fetch has finished as ready; true when that fills a batch. */
    private boolean countFetched(long now) {
        boolean full = false;
        for (Waiting w : waiting.values()) {
            if (w.fetching && !w.ready && w.preparation.isDone()) {
                full |= becameReady(w, now);
            }
        }
        return full;
    }

    private boolean becameReady(Waiting w, long now) {
        w.ready = true;
        return policy.ready(now);
    }

    /** Hands the waiting images that are ready, in arrival order, to the tower. */
    private void flush() {
        long now = context.currentSystemTimeMs();
        policy.flushing(now);
        ImageBatch batch = collect(now);
        policy.flushed((int) waiting.values().stream().filter(w -> w.ready).count());
        if (batch.size() > 0) {
            emit(tower.run(batch));
        }
    }

    /** Takes every waiting image but those behind a fetch still running, and looks up their label sets. */
    private ImageBatch collect(long now) {
        ImageBatch batch = new ImageBatch(now, System.nanoTime());
        Set<ByteBuffer> heldKeys = new HashSet<>();
        for (Iterator<Map.Entry<Long, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Waiting> entry = it.next();
            Waiting w = entry.getValue();
            ByteBuffer key = w.input.key() == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(w.input.key());
            if (heldKeys.contains(key) || !w.ready) {
                heldKeys.add(key);
                continue;
            }
            it.remove();
            Preparation preparation = await(w.preparation);
            LabelMatrix matrix = null;
            if (preparation instanceof Preparation.Ready ready) {
                Optional<LabelMatrix> found = catalog.lookup(ready.event().getLabelSet(), encoder.modelId(), labels);
                if (found.isPresent()) {
                    matrix = found.get();
                } else {
                    preparation = new Preparation.Failed(
                            ErrorCode.UNKNOWN_LABEL_SET,
                            Stage.CLASSIFY,
                            "no complete label set \"" + ready.event().getLabelSet() + "\" for model "
                                    + encoder.modelId());
                }
            }
            batch.add(entry.getKey(), w.input, preparation, matrix);
        }
        return batch;
    }

    private void emit(List<ImageBatch> batches) {
        for (ImageBatch batch : batches) {
            // The stream time is still the one from before the flush: add the time spent since.
            long now = batch.flushStartMs + (System.nanoTime() - batch.startNanos) / 1_000_000;
            for (int i = 0; i < batch.size(); i++) {
                InputRecord input = batch.inputs.get(i);
                Preparation preparation = batch.prepared.get(i);
                try (MDC.MDCCloseable id = MDC.putCloseable("imageId", imageId(input, preparation))) {
                    Outcome<ClassifiedImage> outcome =
                            answer(input, preparation, batch.matrices.get(i), batch.embeddings[i], now);
                    context.forward(new Record<>(
                            DeadLetters.recordKey(input), outcome, input.timestamp(), RecordLimits.headersOf(input)));
                }
                buffer.remove(batch.seqs.get(i));
            }
        }
    }

    private Outcome<ClassifiedImage> answer(
            InputRecord input, Preparation preparation, LabelMatrix matrix, float[] embedding, long now) {
        if (preparation instanceof Preparation.Failed failed) {
            LOG.warn(
                    "dead letter {} at {} ({}-{}@{}): {}",
                    failed.code(),
                    failed.stage(),
                    input.topic(),
                    input.partition(),
                    input.offset(),
                    failed.message());
            return answers.failed(input, failed.code(), failed.stage(), failed.message(), now);
        }
        try {
            Outcome<ClassifiedImage> outcome =
                    answers.classified(input, ((Preparation.Ready) preparation).event(), matrix, embedding, now);
            if (outcome.ok()) {
                LOG.debug("classified against {} v{}", matrix.setId(), matrix.version());
            } else {
                LOG.warn(
                        "dead letter {}: {}",
                        outcome.deadLetter().getCode(),
                        outcome.deadLetter().getMessage());
            }
            return outcome;
        } catch (RuntimeException e) {
            LOG.error("classification failed", e);
            return answers.failed(input, ErrorCode.INTERNAL_ERROR, Stage.CLASSIFY, "classification failed: " + e, now);
        }
    }

    /** The image id for log lines: the event's id, else the record key; control characters removed, length bounded. */
    private static String imageId(InputRecord input, Preparation preparation) {
        String id =
                preparation instanceof Preparation.Ready ready ? ready.event().getId() : input.keyText();
        if (id.length() > 200) {
            id = id.substring(0, 200) + "…";
        }
        return id.replaceAll("\\p{Cntrl}", "?");
    }

    /** Reads the event on this thread and starts its fetch or its decode + preprocess on a pool. */
    private Waiting start(InputRecord input) {
        Optional<String> oversized = RecordLimits.oversizedEnvelope(input);
        if (oversized.isPresent()) {
            return failed(input, ErrorCode.RECORD_TOO_LARGE, Stage.DESERIALIZE, oversized.get());
        }
        if (input.value() == null) {
            return failed(
                    input, ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, "image record without a value (tombstone)");
        }
        ImageEvent event;
        try {
            event = events.deserialize(input.topic(), input.value());
        } catch (InvalidRecordException e) {
            return failed(input, ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, e.getMessage());
        }
        boolean fetch = event.getImage() instanceof ImageUrl;
        return new Waiting(input, (fetch ? fetchPool : pool).submit(() -> preparer.prepare(event)), fetch);
    }

    private static Waiting failed(InputRecord input, ErrorCode code, Stage stage, String message) {
        return new Waiting(
                input, CompletableFuture.completedFuture(new Preparation.Failed(code, stage, message)), false);
    }

    private static ExecutorService daemons(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static Preparation await(Future<Preparation> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preprocessing", e);
        } catch (ExecutionException e) {
            return new Preparation.Failed(
                    ErrorCode.INTERNAL_ERROR, Stage.PREPROCESS, "preprocessing failed: " + e.getCause());
        }
    }

    /**
     * Forgets the work in hand. A batch still in the tower is dropped unanswered: its images are still in the
     * buffer, so whoever gets the task next (this instance after a restart, or another) classifies them.
     */
    @Override
    public void close() {
        waiting.clear();
        if (tower != null) {
            tower.drop();
        }
        if (pool != null) {
            pool.shutdownNow();
            fetchPool.shutdownNow();
            pool = null;
            fetchPool = null;
        }
    }
}
