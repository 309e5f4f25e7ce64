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
    private long nextSeq;
    private int buffered;
    private long oldestArrival;
    /** Stream time when the last flush began; a record processed at that same time came in during the same call. */
    private long lastFlushStart = Long.MIN_VALUE;

    public ImageBatcher(Deserializer<ImageEvent> events, ImageEncoder encoder, ImagePreparer preparer,
                        LabelCatalog catalog, TopologySettings settings) {
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
        if (buffered > 0 && oldestArrival == UNKNOWN) {
            oldestArrival = now;
        } else if (buffered > 0 && now - oldestArrival >= settings.maxWait().toMillis()) {
            flush();
        }
    }

    /** Classifies everything buffered, in arrival order, and empties the buffer. */
    private void flush() {
        lastFlushStart = context.currentSystemTimeMs();
        long startNanos = System.nanoTime();
        List<Long> seqs = new ArrayList<>();
        List<InputRecord> inputs = new ArrayList<>();
        List<Future<Preparation>> futures = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                InputRecord input = InputRecord.fromBytes(strip(kv.value));
                Future<Preparation> f = inFlight.remove(kv.key);
                seqs.add(kv.key);
                inputs.add(input);
                futures.add(f != null ? f : start(input));    // restored after a restart: prepare now
            }
        }
        Preparation[] prepared = new Preparation[inputs.size()];
        LabelMatrix[] matrices = new LabelMatrix[inputs.size()];
        List<float[]> batch = new ArrayList<>();
        List<Integer> batchIndex = new ArrayList<>();
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = await(futures.get(i));
            if (prepared[i] instanceof Preparation.Ready ready) {
                Optional<LabelMatrix> matrix = catalog.lookup(ready.event().getLabelSet(), encoder.modelId(), labels);
                if (matrix.isEmpty()) {
                    prepared[i] = new Preparation.Failed(ErrorCode.UNKNOWN_LABEL_SET, Stage.CLASSIFY,
                            "no complete label set \"" + ready.event().getLabelSet() + "\" for model " + encoder.modelId());
                } else {
                    matrices[i] = matrix.get();
                    batch.add(ready.pixels());
                    batchIndex.add(i);
                }
            }
        }
        float[][] embeddings = new float[prepared.length][];
        if (!batch.isEmpty()) {
            try {
                float[][] rows = encoder.encodeImages(batch);
                for (int b = 0; b < rows.length; b++) {
                    embeddings[batchIndex.get(b)] = rows[b];
                }
            } catch (RuntimeException e) {
                for (int i : batchIndex) {
                    prepared[i] = new Preparation.Failed(ErrorCode.MODEL_ERROR, Stage.EMBED, "image tower failed: " + e);
                }
            }
        }
        // The stream time is still the one from before the tower ran: add the time spent here.
        long now = lastFlushStart + (System.nanoTime() - startNanos) / 1_000_000;
        for (int i = 0; i < prepared.length; i++) {
            emit(inputs.get(i), prepared[i], matrices[i], embeddings[i], now);
            buffer.delete(seqs.get(i));
        }
        buffered = 0;
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

    @Override
    public void close() {
        inFlight.clear();
        if (pool != null) {
            pool.shutdownNow();
            fetchPool.shutdownNow();
            pool = null;
            fetchPool = null;
        }
    }
}
