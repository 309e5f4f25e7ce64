package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.topology.fetch.ImageFetcher;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The clipstream service as a pure function of a {@link StreamsBuilder}:
 * <ol>
 *   <li>{@code label-sets} → {@link LabelSetEncoder} (text tower, prompt cache) → {@code label-embeddings};</li>
 *   <li>{@code label-embeddings} → global store, kept by {@link LabelEmbeddingLoader}, read through a {@link LabelCatalog};</li>
 *   <li>{@code images} → {@link ImageBatcher} (buffer, preprocess, image tower, join) → {@code classifications}
 *       and optionally {@code image-embeddings};</li>
 *   <li>whatever cannot be processed → {@code images-dlq}.</li>
 * </ol>
 * Classifications, dead letters and image-tower batches are reported to {@link PipelineMetrics} on the way out.
 * Inputs are read as raw bytes and deserialised inside the processors, so a dead letter always has the original bytes.
 */
public final class ClipstreamTopology {
    private ClipstreamTopology() {
    }

    public static void build(StreamsBuilder builder, TopologySettings settings, RecordSerdes serdes,
                             TextEncoder text, ImageEncoder images, PipelineMetrics metrics) {
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
        LabelCatalog catalog = new LabelCatalog();

        // 1. label sets → label embeddings (or dead letters)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LabelSetEncoder.PROMPT_STORE),
                Serdes.String(), new FloatArraySerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LabelSetEncoder.MEMBERS_STORE),
                Serdes.String(), LabelSetMembers.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LabelSetEncoder.PENDING_STORE),
                Serdes.String(), Serdes.ByteArray()));
        LabelSetRules rules = new LabelSetRules(settings.maxLabels(), settings.maxPromptChars());
        KStream<byte[], SpecificRecord> labelOutput = builder.stream(settings.labelSetsTopic(), raw)
                .process(() -> new LabelSetEncoder(serdes.labelSet().deserializer(), text, rules),
                        Named.as("label-set-encoder"), LabelSetEncoder.PROMPT_STORE, LabelSetEncoder.MEMBERS_STORE,
                        LabelSetEncoder.PENDING_STORE);
        labelOutput.split(Named.as("label-output-"))
                .branch((k, v) -> v instanceof DeadLetter,
                        Branched.withConsumer(s -> s.peek((k, v) -> metrics.deadLetter(((DeadLetter) v).getCode()))
                                .to(settings.deadLetterTopic(), produced(serdes.deadLetter()))))
                .defaultBranch(Branched.withConsumer(s -> s.to(settings.labelEmbeddingsTopic(),
                        produced(serdes.labelEmbedding()))));

        // 2. label embeddings → a global store every instance holds in full
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE),
                        Serdes.String(), serdes.labelEmbedding()).withLoggingDisabled(),
                settings.labelEmbeddingsTopic(), Consumed.with(Serdes.String(), serdes.labelEmbedding()),
                () -> new LabelEmbeddingLoader(catalog));

        // 3. images → micro-batched image tower → classifications (+ embeddings) or dead letters
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ImageBatcher.BUFFER_STORE),
                Serdes.Long(), Serdes.ByteArray()));
        ImageEncoder timed = new TimedImageEncoder(images, metrics);
        ImagePreparer preparer = new ImagePreparer(timed,
                new ImageFetcher(settings.fetch(), settings.maxImageBytes()), settings.maxImageBytes());
        TowerThreads towers = new TowerThreads();
        KStream<byte[], SpecificRecord> imageOutput = builder.stream(settings.imagesTopic(), raw)
                .process(() -> new ImageBatcher(serdes.imageEvent().deserializer(), timed, preparer, catalog, settings,
                                towers),
                        Named.as("image-batcher"), ImageBatcher.BUFFER_STORE);
        imageOutput.split(Named.as("image-output-"))
                .branch((k, v) -> v instanceof Classification,
                        Branched.withConsumer(s -> s.peek((k, v) -> classified(metrics, (Classification) v))
                                .to(settings.classificationsTopic(), produced(serdes.classification()))))
                .branch((k, v) -> v instanceof ImageEmbedding,
                        Branched.withConsumer(s -> s.to(settings.imageEmbeddingsTopic(), produced(serdes.imageEmbedding()))))
                .defaultBranch(Branched.withConsumer(s -> s.peek((k, v) -> metrics.deadLetter(((DeadLetter) v).getCode()))
                        .to(settings.deadLetterTopic(), produced(serdes.deadLetter()))));
    }

    private static void classified(PipelineMetrics metrics, Classification c) {
        metrics.imageClassified(c.getEventTime(), c.getProcessingTime());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Produced<byte[], SpecificRecord> produced(Serde<T> serde) {
        return Produced.with(Serdes.ByteArray(), (Serde<SpecificRecord>) (Serde<?>) serde);
    }
}
