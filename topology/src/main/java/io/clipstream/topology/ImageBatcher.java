package io.clipstream.topology;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelEmbedding;
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
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The image step. Each image record is first written, raw, to the changelogged store {@value #BUFFER_STORE}
 * (so an image read but not yet classified is classified after a restart) and its decode + preprocess starts at
 * once on a small thread pool. When {@code batchSize} images are buffered, or a wall-clock punctuation finds the
 * oldest one older than {@code maxWait}, the batch goes through the image tower in one call and every image, in
 * arrival order, becomes a Classification (and optionally an ImageEmbedding) or a DeadLetter.
 *
 * <p>With {@code overlapTower} the tower runs on the stream thread's {@link TowerThreads tower thread} while the
 * stream thread goes on reading the next
 * batch, whose images decode on the pool meanwhile. The finished batch is emitted by the next call on the stream
 * thread (a record or a punctuation), before the next batch is handed to the tower: one batch at a time, in order.
 * Its images stay in the buffer store until they are emitted, so a crash with a batch in the tower replays it.
 */
public final class ImageBatcher implements Processor<byte[], byte[], byte[], SpecificRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(ImageBatcher.class);
    public static final String BUFFER_STORE = "image-buffer";
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Deserializer<ImageEvent> events;
    private final ImageEncoder encoder;
    private final ImagePreparer preparer;
    private final LabelCatalog catalog;
    private final TopologySettings settings;
    private final Map<Long, Future<Preparation>> inFlight = new HashMap<>();
    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, byte[]> buffer;
    private ReadOnlyKeyValueStore<String, LabelEmbedding> labels;
    private ExecutorService pool;
    private ExecutorService fetchPool;
    private final TowerThreads towers;
    /** The batch in the image tower (with {@code overlapTower}), or null. */
    private Batch inTower;
    private long nextSeq;
    private int buffered;
    private long oldestArrival;
    /** Stream time when the last flush began; a record processed at that same time came in during the same call. */
    private long lastFlushStart = Long.MIN_VALUE;

    ImageBatcher(Deserializer<ImageEvent> events, ImageEncoder encoder, ImagePreparer preparer,
                 LabelCatalog catalog, TopologySettings settings, TowerThreads towers) {
        this.towers = towers;
        this.events = events;
        this.encoder = encoder;
        this.preparer = preparer;
        this.catalog = catalog;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.buffer = context.getStateStore(BUFFER_STORE);
        this.labels = context.getStateStore(LabelEmbeddingLoader.STORE);
        // A revived task is initialised again: forget work started before, its buffer is restored from the changelog.
        close();
        buffered = 0;
        nextSeq = 0;
        lastFlushStart = Long.MIN_VALUE;
        this.pool = daemons(settings.preprocessThreads(), "clipstream-preprocess");
        // URL images wait on the network, not the CPU: a whole batch fetches at once, so a batch of slow hosts costs
        // one fetch timeout, not batchSize / threads of them, inside the open transaction.
        this.fetchPool = daemons(settings.batchSize(), "clipstream-fetch");
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                if (buffered == 0) {
                    oldestArrival = arrival(kv.value);
                }
                buffered++;
                nextSeq = kv.key + 1;
            }
        }
        long tick = Math.max(1, settings.maxWait().toMillis() / 2);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        emitIfEncoded();
        Optional<RecordMetadata> meta = context.recordMetadata();
        InputRecord input = new InputRecord(meta.map(RecordMetadata::topic).orElse(""),
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.timestamp(), record.key(), record.value());
        long now = context.currentSystemTimeMs();
        long seq = nextSeq++;
        buffer.put(seq, withArrival(now, input));
        inFlight.put(seq, start(input));
        if (buffered++ == 0) {
            // Kafka Streams reads the clock once per task for a run of records: a record processed after a flush in
            // the same run carries the time from before that flush, one tower call ago, so the next punctuation would
            // flush it at once with whatever else had arrived (batches of 5-6 instead of 8 under load). Its wait
            // starts at the next punctuation instead.
            oldestArrival = now > lastFlushStart ? now : UNKNOWN;
        }
        if (buffered >= settings.batchSize()) {
            flush();
        }
    }

    private void flushIfDue(long now) {
        emitIfEncoded();
        if (buffered > 0 && oldestArrival == UNKNOWN) {
            oldestArrival = now;
        } else if (buffered > 0 && now - oldestArrival >= settings.maxWait().toMillis()) {
            flush();
        }
    }

    /**
     * Hands everything buffered, in arrival order, to the image tower: on the stream thread, emitting at once, or,
     * with {@code overlapTower}, on the worker once the batch before it has been emitted.
     */
    private void flush() {
        lastFlushStart = context.currentSystemTimeMs();
        long startNanos = System.nanoTime();
        Batch batch = collect(lastFlushStart, startNanos);
        buffered = 0;
        if (!settings.overlapTower()) {
            batch.encode();
            emit(batch);
            return;
        }
        emitEncoded();                  // one batch in the tower at a time, emitted in order
        batch.encoding = towers.forCurrentThread().submit(batch::encode);
        inTower = batch;
    }

    /** Reads the buffered images not yet in the tower, awaits their preparation and looks up their label sets. */
    private Batch collect(long flushStartMs, long startNanos) {
        Batch batch = new Batch(flushStartMs, startNanos);
        List<Future<Preparation>> futures = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                if (inTower != null && inTower.seqs.contains(kv.key)) {
                    continue;
                }
                InputRecord input = InputRecord.fromBytes(strip(kv.value));
                Future<Preparation> f = inFlight.remove(kv.key);
                batch.seqs.add(kv.key);
                batch.inputs.add(input);
                futures.add(f != null ? f : start(input));    // restored after a restart: prepare now
            }
        }
        batch.prepared = new Preparation[batch.inputs.size()];
        batch.matrices = new LabelMatrix[batch.inputs.size()];
        for (int i = 0; i < batch.prepared.length; i++) {
            batch.prepared[i] = await(futures.get(i));
            if (batch.prepared[i] instanceof Preparation.Ready ready) {
                Optional<LabelMatrix> matrix = catalog.lookup(ready.event().getLabelSet(), encoder.modelId(), labels);
                if (matrix.isEmpty()) {
                    batch.prepared[i] = new Preparation.Failed(ErrorCode.UNKNOWN_LABEL_SET, Stage.CLASSIFY,
                            "no complete label set \"" + ready.event().getLabelSet() + "\" for model " + encoder.modelId());
                } else {
                    batch.matrices[i] = matrix.get();
                    batch.pixels.add(ready.pixels());
                    batch.pixelIndex.add(i);
                }
            }
        }
        return batch;
    }

    /** Emits the batch in the tower if the tower is done with it. */
    private void emitIfEncoded() {
        if (inTower != null && inTower.encoding.isDone()) {
            emitEncoded();
        }
    }

    /** Waits for the batch in the tower, if any, and emits it. */
    private void emitEncoded() {
        if (inTower == null) {
            return;
        }
        Batch batch = inTower;
        inTower = null;
        try {
            batch.encoding.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the image tower ran", e);
        } catch (ExecutionException e) {
            batch.failed(e.getCause());
        }
        emit(batch);
    }

    private void emit(Batch batch) {
        // The stream time is still the one from before the flush: add the time spent since.
        long now = batch.flushStartMs + (System.nanoTime() - batch.startNanos) / 1_000_000;
        for (int i = 0; i < batch.prepared.length; i++) {
            emit(batch.inputs.get(i), batch.prepared[i], batch.matrices[i], batch.embeddings[i], now);
            buffer.delete(batch.seqs.get(i));
        }
    }

    /** One flush's images: what was prepared, the label matrices, and the embeddings once the tower has run. */
    private final class Batch {
        final long flushStartMs;
        final long startNanos;
        final List<Long> seqs = new ArrayList<>();
        final List<InputRecord> inputs = new ArrayList<>();
        final List<float[]> pixels = new ArrayList<>();
        final List<Integer> pixelIndex = new ArrayList<>();
        Preparation[] prepared;
        LabelMatrix[] matrices;
        float[][] embeddings;
        Future<?> encoding;

        Batch(long flushStartMs, long startNanos) {
            this.flushStartMs = flushStartMs;
            this.startNanos = startNanos;
        }

        /** Runs the image tower over the prepared images; a failure fails each of them, not the task. */
        void encode() {
            embeddings = new float[prepared.length][];
            if (pixels.isEmpty()) {
                return;
            }
            try {
                float[][] rows = encoder.encodeImages(pixels);
                for (int b = 0; b < rows.length; b++) {
                    embeddings[pixelIndex.get(b)] = rows[b];
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        void failed(Throwable e) {
            if (embeddings == null) {
                embeddings = new float[prepared.length][];
            }
            for (int i : pixelIndex) {
                prepared[i] = new Preparation.Failed(ErrorCode.MODEL_ERROR, Stage.EMBED, "image tower failed: " + e);
                embeddings[i] = null;
            }
        }
    }

    private void emit(InputRecord input, Preparation preparation, LabelMatrix matrix, float[] embedding, long now) {
        try (MDC.MDCCloseable id = MDC.putCloseable("imageId", imageId(input, preparation))) {
            emitLogged(input, preparation, matrix, embedding, now);
        }
    }

    /** The image id for log lines: the event's id, else the record key; control characters removed, length bounded. */
    private static String imageId(InputRecord input, Preparation preparation) {
        String id = preparation instanceof Preparation.Ready ready ? ready.event().getId() : input.keyText();
        id = id.replaceAll("\\p{Cntrl}", "?");
        return id.length() > 200 ? id.substring(0, 200) + "…" : id;
    }

    private void emitLogged(InputRecord input, Preparation preparation, LabelMatrix matrix, float[] embedding, long now) {
        if (preparation instanceof Preparation.Failed failed) {
            LOG.warn("dead letter {} at {} ({}-{}@{}): {}", failed.code(), failed.stage(), input.topic(), input.partition(),
                    input.offset(), failed.message());
            context.forward(new Record<>(input.key(),
                    DeadLetters.of(input, failed.code(), failed.stage(), failed.message(), now), input.timestamp()));
            return;
        }
        ImageEvent event = ((Preparation.Ready) preparation).event();
        try {
            Classification classification =
                    Classifications.of(event, matrix, embedding, matrix.topK(settings.defaultTopK()), now);
            LOG.debug("classified against {} v{}: {}", matrix.setId(), matrix.version(),
                    classification.getTop().isEmpty() ? "-" : classification.getTop().get(0).getLabel());
            context.forward(new Record<>(input.key(), classification, input.timestamp()));
        } catch (RuntimeException e) {
            LOG.error("classification failed", e);
            context.forward(new Record<>(input.key(), DeadLetters.of(input, ErrorCode.INTERNAL_ERROR, Stage.CLASSIFY,
                    "classification failed: " + e, now), input.timestamp()));
            return;
        }
        if (settings.emitImageEmbeddings()) {
            List<Float> unit = new ArrayList<>(embedding.length);
            for (float x : ZeroShotClassifier.normalize(embedding)) {
                unit.add(x);
            }
            context.forward(new Record<>(input.key(), ImageEmbedding.newBuilder().setImageId(event.getId())
                    .setModelId(encoder.modelId()).setEmbedding(unit).setEventTime(event.getEventTime()).build(),
                    input.timestamp()));
        }
    }

    /** Reads the event on this thread and starts fetch + preprocess on the pool. */
    private Future<Preparation> start(InputRecord input) {
        if (input.value() == null) {
            return CompletableFuture.completedFuture(new Preparation.Failed(ErrorCode.UNREADABLE_RECORD,
                    Stage.DESERIALIZE, "image record without a value (tombstone)"));
        }
        ImageEvent event;
        try {
            event = events.deserialize(input.topic(), input.value());
        } catch (InvalidRecordException e) {
            return CompletableFuture.completedFuture(
                    new Preparation.Failed(ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, e.getMessage()));
        }
        ExecutorService executor = event.getImage() instanceof io.clipstream.schemas.ImageUrl ? fetchPool : pool;
        return executor.submit(() -> preparer.prepare(event));
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
            return new Preparation.Failed(ErrorCode.INTERNAL_ERROR, Stage.PREPROCESS, "preprocessing failed: " + e.getCause());
        }
    }

    private static byte[] withArrival(long arrivalMs, InputRecord input) {
        byte[] body = input.toBytes();
        return ByteBuffer.allocate(8 + body.length).putLong(arrivalMs).put(body).array();
    }

    private static long arrival(byte[] entry) {
        return ByteBuffer.wrap(entry).getLong();
    }

    private static byte[] strip(byte[] entry) {
        return java.util.Arrays.copyOfRange(entry, 8, entry.length);
    }

    /**
     * Forgets the work in hand. A batch still in the tower is dropped unemitted: its images are still in the buffer
     * store, so whoever gets the task next (this instance after a restart, or another) classifies them.
     */
    @Override
    public void close() {
        inFlight.clear();
        inTower = null;
        if (pool != null) {
            pool.shutdownNow();
            fetchPool.shutdownNow();
            pool = null;
            fetchPool = null;
        }
    }
}
