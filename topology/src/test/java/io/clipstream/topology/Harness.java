package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.LabelSets;
import io.clipstream.search.SearchWindows;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.labelsets.TextTowerThread;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around {@link ClipstreamTopology} with raw-byte input topics, so tests know the exact bytes. */
public final class Harness implements AutoCloseable {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    final TopologySettings settings;
    final RecordSerdes serdes;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> labelSets;
    final TestInputTopic<byte[], byte[]> labelEmbeddingsIn;
    final TestInputTopic<byte[], byte[]> images;
    final TestOutputTopic<byte[], byte[]> labelEmbeddingsOut;
    final TestOutputTopic<byte[], byte[]> classifications;
    final TestOutputTopic<byte[], byte[]> imageEmbeddings;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final RecordingMetrics metrics = new RecordingMetrics();

    Harness(TopologySettings settings, TinyClip.Counting encoders, Path stateDir) {
        this(settings, encoders, encoders, stateDir, new SearchWindows());
    }

    /** With the tasks' searchable windows registered in {@code windows}. */
    Harness(TopologySettings settings, TinyClip.Counting encoders, Path stateDir, SearchWindows windows) {
        this(settings, encoders, encoders, stateDir, windows);
    }

    /** With another image tower than the text tower's model (a stand-in with meaningful image embeddings). */
    Harness(TopologySettings settings, TextEncoder textTower, ImageEncoder imageTower, Path stateDir) {
        this(settings, textTower, imageTower, stateDir, new SearchWindows());
    }

    private Harness(
            TopologySettings settings,
            TextEncoder textTower,
            ImageEncoder imageTower,
            Path stateDir,
            SearchWindows windows) {
        this.settings = settings;
        StreamsSettings streams =
                StreamsSettings.defaults("127.0.0.1:1", "mock://harness-" + UUID.randomUUID(), stateDir);
        this.serdes = RecordSerdes.configured(streams.serdeConfig());
        StreamsBuilder builder = new StreamsBuilder();
        ClipstreamTopology.build(
                builder,
                settings,
                serdes,
                textTower,
                imageTower,
                metrics,
                new LabelCatalog(),
                windows,
                TextTowerThread.inline());
        java.util.Properties properties = streams.toProperties();
        properties.put(PipelineMetrics.CONFIG, metrics);
        driver = new TopologyTestDriver(builder.build(), properties, START);
        ByteArraySerializer out = new ByteArraySerializer();
        ByteArrayDeserializer in = new ByteArrayDeserializer();
        labelSets = driver.createInputTopic(settings.labelSetsTopic(), out, out, START, Duration.ofMillis(1));
        labelEmbeddingsIn = driver.createInputTopic(settings.labelEmbeddingsTopic(), out, out);
        images = driver.createInputTopic(settings.imagesTopic(), out, out, START, Duration.ofMillis(1));
        labelEmbeddingsOut = driver.createOutputTopic(settings.labelEmbeddingsTopic(), in, in);
        classifications = driver.createOutputTopic(settings.classificationsTopic(), in, in);
        imageEmbeddings = driver.createOutputTopic(settings.imageEmbeddingsTopic(), in, in);
        deadLetters = driver.createOutputTopic(settings.deadLetterTopic(), in, in);
    }

    /** Sends a label set and feeds the resulting label-embeddings records back in, as the real topic would. */
    List<KeyValue<String, LabelEmbedding>> sendLabelSet(LabelSet set) {
        return sendLabelSetBytes(set.getId(), serdes.labelSet().serializer().serialize(settings.labelSetsTopic(), set));
    }

    List<KeyValue<String, LabelEmbedding>> sendLabelSetBytes(String key, byte[] value) {
        labelSets.pipeInput(bytes(key), value);
        return syncLabelEmbeddings();
    }

    /** Pipes every new label-embeddings output record, byte for byte, into the global store's source topic. */
    List<KeyValue<String, LabelEmbedding>> syncLabelEmbeddings() {
        List<KeyValue<String, LabelEmbedding>> seen = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : labelEmbeddingsOut.readRecordsToList()) {
            labelEmbeddingsIn.pipeInput(r.key(), r.value());
            seen.add(KeyValue.pair(
                    new String(r.key(), StandardCharsets.UTF_8),
                    serdes.labelEmbedding().deserializer().deserialize(settings.labelEmbeddingsTopic(), r.value())));
        }
        return seen;
    }

    /** Writes label embeddings into the global store's source topic, as another service sharing it would have. */
    void putLabelEmbeddings(List<KeyValue<String, LabelEmbedding>> records) {
        for (KeyValue<String, LabelEmbedding> kv : records) {
            labelEmbeddingsIn.pipeInput(
                    bytes(kv.key),
                    serdes.labelEmbedding().serializer().serialize(settings.labelEmbeddingsTopic(), kv.value));
        }
    }

    /** Serializes and sends an image event; returns the exact value bytes sent. */
    byte[] sendImage(ImageEvent event) {
        byte[] value = serdes.imageEvent().serializer().serialize(settings.imagesTopic(), event);
        images.pipeInput(bytes(event.getId()), value);
        return value;
    }

    List<KeyValue<String, Classification>> readClassifications() {
        List<KeyValue<String, Classification>> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : classifications.readRecordsToList()) {
            out.add(KeyValue.pair(
                    new String(r.key(), StandardCharsets.UTF_8),
                    serdes.classification().deserializer().deserialize(settings.classificationsTopic(), r.value())));
        }
        return out;
    }

    List<ImageEmbedding> readImageEmbeddings() {
        List<ImageEmbedding> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : imageEmbeddings.readRecordsToList()) {
            out.add(serdes.imageEmbedding().deserializer().deserialize(settings.imageEmbeddingsTopic(), r.value()));
        }
        return out;
    }

    List<DeadLetter> readDeadLetters() {
        List<DeadLetter> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : deadLetters.readRecordsToList()) {
            out.add(serdes.deadLetter().deserializer().deserialize(settings.deadLetterTopic(), r.value()));
        }
        return out;
    }

    void advance(Duration wallClock) {
        driver.advanceWallClockTime(wallClock);
    }

    @Override
    public void close() {
        driver.close();
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    public static LabelSet labelSet(String id, long version, List<String> templates, String... names) {
        return LabelSets.of(id, version, List.of(names), templates, 5, null);
    }

    public static ImageEvent inline(String id, String labelSet, byte[] image) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(START.plusSeconds(1))
                .setImage(
                        InlineImage.newBuilder().setData(ByteBuffer.wrap(image)).build())
                .setContentType(null)
                .setLabelSet(labelSet)
                .setAttributes(Map.of("camera", id))
                .build();
    }

    public static ImageEvent url(String id, String labelSet, String url) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(START.plusSeconds(1))
                .setImage(ImageUrl.newBuilder().setUrl(url).build())
                .setContentType(null)
                .setLabelSet(labelSet)
                .setAttributes(Map.of())
                .build();
    }
}
