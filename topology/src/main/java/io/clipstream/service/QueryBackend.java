package io.clipstream.service;

import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.TextEncoder;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.catalog.LabelMatrix;
import io.clipstream.topology.images.Classifications;
import io.clipstream.topology.images.ImagePreparer;
import io.clipstream.topology.images.Preparation;
import io.clipstream.topology.images.fetch.ImageFetcher;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the query API asks of a running service, computed the way the stream computes it: an image is prepared by the
 * stream's {@link ImagePreparer} (byte limit, decode, preprocess), its label set looked up in the same
 * {@link LabelCatalog} the stream uses over the global store, its embedding computed by the shared model, and the
 * result scored by {@link Classifications#of} with the set's topK. At most one request runs the decode and the image
 * tower at a time ({@link #TOWER_WAIT}: a second waits that long, then is told to retry), always on the same tower
 * thread, so the stream shares the model with at most one single-image batch and SameDiff holds one extra session.
 */
public final class QueryBackend implements AutoCloseable {
    /** How long a classification waits for the one running before it to finish; then 503 with Retry-After. */
    public static final Duration TOWER_WAIT = Duration.ofSeconds(10);

    /** What classifying one image on request gave. */
    public sealed interface Result {
        /** Scored: the same record the stream would write. */
        record Classified(Classification classification) implements Result {}

        /** The image was refused, with the dead-letter code the stream would have used. */
        record Rejected(ErrorCode code, String message) implements Result {}

        /** No complete version of the set for this model. */
        record UnknownSet(String message) implements Result {}

        /** Not possible right now (the label table is restoring, or the tower stayed busy); retry later. */
        record Unavailable(String message) implements Result {}

        /** The raw embedding of an image or a text, for a search. */
        record Embedded(float[] embedding) implements Result {}
    }

    private final ImageEncoder encoder;
    private final ImagePreparer preparer;
    private final LabelCatalog catalog;
    private final Supplier<Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>>> store;
    private final Supplier<Optional<List<LabelEmbedding>>> records;
    private final LabelSetProgress progress;
    private final TopologySettings settings;
    private final Duration towerWait;
    private final Semaphore tower = new Semaphore(1, true);
    private final ExecutorService towerThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "query-tower");
        t.setDaemon(true);
        return t;
    });

    public QueryBackend(
            ImageEncoder encoder,
            LabelCatalog catalog,
            LabelTable labels,
            LabelSetProgress progress,
            TopologySettings settings) {
        this(encoder, catalog, labels::store, labels::records, progress, settings, TOWER_WAIT);
    }

    /** Over any label store (tests), waiting up to {@code towerWait} for the tower. */
    QueryBackend(
            ImageEncoder encoder,
            LabelCatalog catalog,
            Supplier<Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>>> store,
            Supplier<Optional<List<LabelEmbedding>>> records,
            LabelSetProgress progress,
            TopologySettings settings,
            Duration towerWait) {
        this.encoder = encoder;
        this.catalog = catalog;
        this.store = store;
        this.records = records;
        this.progress = progress;
        this.settings = settings;
        this.towerWait = towerWait;
        // Inline bytes only: a request never makes the service fetch a URL.
        this.preparer = new ImagePreparer(
                encoder,
                new ImageFetcher(TopologySettings.FetchSettings.disabled(), settings.maxImageBytes()),
                settings.maxImageBytes());
    }

    /** The largest image body accepted ({@code image.max.bytes}). */
    public long maxImageBytes() {
        return settings.maxImageBytes();
    }

    /** The largest topK a request may ask for ({@code label.set.max.labels}). */
    public int maxTopK() {
        return settings.maxLabels();
    }

    /**
     * Classifies {@code image} against the newest complete version of {@code labelSet}, listing {@code topK} labels
     * (null: the set's own topK, else {@code top.k}), as the stream would for an event with these fields.
     */
    public Result classify(String id, String labelSet, byte[] image, String contentType, Integer topK)
            throws InterruptedException {
        Optional<ReadOnlyKeyValueStore<String, LabelEmbedding>> table = store.get();
        if (table.isEmpty()) {
            return new Result.Unavailable("label table not restored yet");
        }
        Optional<LabelMatrix> found = catalog.lookup(labelSet, encoder.modelId(), table.get());
        if (found.isEmpty()) {
            return new Result.UnknownSet("no complete label set \"" + labelSet + "\" for model " + encoder.modelId());
        }
        LabelMatrix matrix = found.get();
        ImageEvent event = event(id, image, contentType).setLabelSet(labelSet).build();
        Result embedded = embed(event);
        if (!(embedded instanceof Result.Embedded e)) {
            return embedded;
        }
        int k = topK != null ? topK : matrix.topK(settings.defaultTopK());
        return new Result.Classified(Classifications.of(event, matrix, e.embedding(), k, System.currentTimeMillis()));
    }

    /** The raw image-tower embedding of {@code image}, prepared as the stream prepares an inline image. */
    public Result embedImage(byte[] image, String contentType) throws InterruptedException {
        return embed(event("", image, contentType).build());
    }

    /** The raw text-tower embedding of {@code text}, on the same thread and turn as the image tower's requests. */
    public Result embedText(TextEncoder text, String query) throws InterruptedException {
        return inTurn(() -> onTowerThread("text", () -> text.encodeTexts(List.of(query))[0]));
    }

    private static ImageEvent.Builder event(String id, byte[] image, String contentType) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setImage(
                        InlineImage.newBuilder().setData(ByteBuffer.wrap(image)).build())
                .setContentType(contentType)
                .setAttributes(Map.of());
    }

    /** Decode, preprocess and the image tower for one image, one request at a time. */
    private Result embed(ImageEvent event) throws InterruptedException {
        return inTurn(() -> {
            Preparation prepared = preparer.prepare(event);
            if (prepared instanceof Preparation.Failed failed) {
                return new Result.Rejected(failed.code(), failed.message());
            }
            RgbCrop crop = ((Preparation.Ready) prepared).crop();
            return onTowerThread("image", () -> encoder.encodeImages(List.of(crop))[0]);
        });
    }

    /** What a request does in its turn on the model. */
    private interface Turn {
        Result run() throws InterruptedException;
    }

    /** {@code turn}, once the model is free within {@link #towerWait}; else busy. One request at a time. */
    private Result inTurn(Turn turn) throws InterruptedException {
        if (!tower.tryAcquire(towerWait.toMillis(), TimeUnit.MILLISECONDS)) {
            return busy();
        }
        try {
            return turn.run();
        } finally {
            tower.release();
        }
    }

    /** {@code encode} on the query-tower thread (SameDiff keeps one session per calling thread). */
    private Result onTowerThread(String which, java.util.concurrent.Callable<float[]> encode)
            throws InterruptedException {
        try {
            return new Result.Embedded(towerThread.submit(encode).get());
        } catch (ExecutionException e) {
            return new Result.Rejected(ErrorCode.MODEL_ERROR, "the " + which + " tower failed: " + e.getCause());
        }
    }

    private Result busy() {
        return new Result.Unavailable("another query kept the model busy for " + towerWait.toMillis() + " ms");
    }

    /** Every label set in the global store, with the sets being encoded on this instance. */
    public Optional<List<LabelSetViews.View>> labelSets() {
        return records.get().map(records -> LabelSetViews.of(records, encoder.modelId(), progress.encoding()));
    }

    @Override
    public void close() {
        towerThread.shutdownNow();
    }
}
