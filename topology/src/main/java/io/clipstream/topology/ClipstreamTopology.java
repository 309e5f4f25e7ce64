package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.search.SearchWindowProcessor;
import io.clipstream.search.SearchWindows;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import io.clipstream.topology.images.ClassifiedImage;
import io.clipstream.topology.images.ImageClassifier;
import io.clipstream.topology.images.ImagePreparer;
import io.clipstream.topology.images.TowerThreads;
import io.clipstream.topology.images.fetch.ImageFetcher;
import io.clipstream.topology.labelsets.ExampleImages;
import io.clipstream.topology.labelsets.FloatArraySerde;
import io.clipstream.topology.labelsets.LabelSetEncoder;
import io.clipstream.topology.labelsets.LabelSetMembers;
import io.clipstream.topology.labelsets.LabelSetRules;
import io.clipstream.topology.labelsets.TextTowerShare;
import io.clipstream.topology.labelsets.TextTowerThread;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The clipstream service as a pure function of a {@link StreamsBuilder}:
 * <ol>
 *   <li>{@code label-sets} → {@link LabelSetEncoder} (text tower, and the image tower for labels' example images;
 *       prompt cache) → {@code label-embeddings};</li>
 *   <li>{@code label-embeddings} → global store, kept by {@link LabelEmbeddingLoader}, read through a {@link LabelCatalog};</li>
 *   <li>{@code images} → {@link ImageClassifier} (buffer, preprocess, image tower, join) → {@code classifications}
 *       and optionally {@code image-embeddings}, and those with a flagged label to the optional flagged topic;</li>
 *   <li>whatever cannot be processed → {@code images-dlq};</li>
 *   <li>classified images, when search is on → the task's searchable window ({@link SearchWindowProcessor}).</li>
 * </ol>
 * Each processor emits an {@link Outcome}: its value goes to the step's output topic, its dead letter to
 * {@code images-dlq}.
 * Classifications, dead letters and image-tower batches are reported to {@link PipelineMetrics} on the way out.
 * Inputs are read as raw bytes and deserialised inside the processors, so a dead letter always has the original bytes.
 */
public final class ClipstreamTopology {
    private ClipstreamTopology() {}

    public static void build(
            StreamsBuilder builder,
            TopologySettings settings,
            RecordSerdes serdes,
            TextEncoder text,
            ImageEncoder images,
            PipelineMetrics metrics) {
        build(builder, settings, serdes, text, images, metrics, new LabelCatalog());
    }

    /** As above, with the {@link LabelCatalog} the global store's loader keeps current (shared with queries). */
    public static void build(
            StreamsBuilder builder,
            TopologySettings settings,
            RecordSerdes serdes,
            TextEncoder text,
            ImageEncoder images,
            PipelineMetrics metrics,
            LabelCatalog catalog) {
        build(builder, settings, serdes, text, images, metrics, catalog, new SearchWindows());
    }

    /** As above, with the {@link SearchWindows} the tasks register their searchable windows in (shared with queries). */
    public static void build(
            StreamsBuilder builder,
            TopologySettings settings,
            RecordSerdes serdes,
            TextEncoder text,
            ImageEncoder images,
            PipelineMetrics metrics,
            LabelCatalog catalog,
            SearchWindows windows) {
        build(builder, settings, serdes, text, images, metrics, catalog, windows, TextTowerThread.daemon());
    }

    /**
     * As above, with where label sets' text batches run: {@link TextTowerThread#daemon()} in the service (off the
     * stream threads), {@link TextTowerThread#inline()} where a test wants each label set's output at once.
     */
    public static void build(
            StreamsBuilder builder,
            TopologySettings settings,
            RecordSerdes serdes,
            TextEncoder text,
            ImageEncoder images,
            PipelineMetrics metrics,
            LabelCatalog catalog,
            SearchWindows windows,
            TextTowerThread textThread) {
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        TextTowerShare share = TextTowerShare.wallClock();
        ImageEncoder timed = new TimedImageEncoder(images, metrics);
        ImagePreparer preparer = new ImagePreparer(
                timed, new ImageFetcher(settings.fetch(), settings.maxImageBytes()), settings.maxImageBytes());
        // a label's example images are prepared as images are; their tower passes are not image batches
        ExampleImages examples = new ExampleImages(preparer, images);

        // 1. label sets → label embeddings (or dead letters)
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LabelSetEncoder.PROMPT_STORE), Serdes.String(), new FloatArraySerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LabelSetEncoder.MEMBERS_STORE),
                Serdes.String(),
                LabelSetMembers.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LabelSetEncoder.PENDING_STORE), Serdes.String(), Serdes.ByteArray()));
        KStream<byte[], Outcome<LabelEmbedding>> labelOutcomes = builder.stream(settings.labelSetsTopic(), raw)
                .process(
                        () -> new LabelSetEncoder(
                                serdes.labelSet().deserializer(),
                                text,
                                examples,
                                LabelSetRules.of(settings),
                                share,
                                textThread,
                                metrics.labelSetProgress(),
                                settings.maxRecordBytes()),
                        Named.as("label-set-encoder"),
                        LabelSetEncoder.PROMPT_STORE,
                        LabelSetEncoder.MEMBERS_STORE,
                        LabelSetEncoder.PENDING_STORE);
        deadLetters(labelOutcomes, settings, serdes, metrics);
        labelOutcomes
                .filter((k, v) -> v.ok())
                .mapValues(Outcome::value)
                .to(settings.labelEmbeddingsTopic(), Produced.with(Serdes.ByteArray(), serdes.labelEmbedding()));

        // 2. label embeddings → a global store every instance holds in full
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE),
                                Serdes.String(),
                                serdes.labelEmbedding())
                        .withLoggingDisabled(),
                settings.labelEmbeddingsTopic(),
                Consumed.with(Serdes.String(), serdes.labelEmbedding()),
                () -> new LabelEmbeddingLoader(catalog));

        // 3. images → micro-batched image tower → classifications (+ embeddings) or dead letters
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ImageClassifier.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray()));
        TowerThreads towers = new TowerThreads();
        KStream<byte[], Outcome<ClassifiedImage>> imageOutcomes = builder.stream(settings.imagesTopic(), raw)
                .peek((k, v) -> share.imageRead())
                .process(
                        () -> new ImageClassifier(
                                serdes.imageEvent().deserializer(), timed, preparer, catalog, settings, towers),
                        Named.as("image-classifier"),
                        ImageClassifier.BUFFER_STORE);
        deadLetters(imageOutcomes, settings, serdes, metrics);
        KStream<byte[], ClassifiedImage> classified =
                imageOutcomes.filter((k, v) -> v.ok()).mapValues(Outcome::value);
        KStream<byte[], Classification> classifications =
                classified.mapValues(ClassifiedImage::classification).peek((k, c) -> classified(metrics, c));
        classifications.to(settings.classificationsTopic(), Produced.with(Serdes.ByteArray(), serdes.classification()));
        if (settings.flaggedTopicEnabled()) { // 4. review queue: the same record again when a label is flagged
            classifications
                    .filter((k, c) -> !c.getFlagged().isEmpty())
                    .to(settings.flaggedTopic(), Produced.with(Serdes.ByteArray(), serdes.classification()));
        }
        // the embedding is also there for the searchable window: written only when embeddings are emitted
        boolean emit = settings.emitImageEmbeddings();
        classified
                .filter((k, v) -> emit && v.embedding() != null)
                .mapValues(ClassifiedImage::embedding)
                .to(settings.imageEmbeddingsTopic(), Produced.with(Serdes.ByteArray(), serdes.imageEmbedding()));
        if (settings.search().enabled()) { // 5. the searchable window of this task's recent images
            builder.addStateStore(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(SearchWindowProcessor.STORE), Serdes.Long(), Serdes.ByteArray()));
            int maxEntryBytes = RecordLimits.room(settings.maxRecordBytes()) - Long.BYTES; // the key is a long
            classified.process(
                    () -> new SearchWindowProcessor<>(
                            settings.search(), windows, image -> SearchEntries.of(image, maxEntryBytes)),
                    Named.as("search-window"),
                    SearchWindowProcessor.STORE);
        }
    }

    /** The dead letters of a step, counted by code, to the dead-letter topic. */
    private static void deadLetters(
            KStream<byte[], ? extends Outcome<?>> outcomes,
            TopologySettings settings,
            RecordSerdes serdes,
            PipelineMetrics metrics) {
        Serde<DeadLetter> serde = serdes.deadLetter();
        outcomes.filter((k, v) -> !v.ok())
                .mapValues(v -> v.deadLetter())
                .peek((k, d) -> metrics.deadLetter(d.getCode()))
                .to(settings.deadLetterTopic(), Produced.with(Serdes.ByteArray(), serde));
    }

    private static void classified(PipelineMetrics metrics, Classification c) {
        metrics.imageClassified(c.getEventTime(), c.getProcessingTime());
    }
}
