package io.clipstream.topology.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.FakeEncoders;
import io.clipstream.topology.Harness;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.RecordedSource;
import io.clipstream.topology.SourceReader;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.catalog.LabelCatalogTest;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import io.clipstream.topology.images.fetch.ImageFetcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batcher alone, with fake encoders: order, flush triggers, and a buffer left over from a crash, with the tower
 * on the stream thread; then the same guarantees with the tower overlapping the next batch.
 */
class ImageClassifierTest {
    private final RecordSerdes serdes =
            RecordSerdes.configured(Map.of("schema.registry.url", "mock://batcher-" + UUID.randomUUID()));
    private final FakeEncoders encoders = new FakeEncoders();
    private TopologySettings settings =
            TopologySettings.defaults().withBatch(3, Duration.ofMillis(100)).withOverlapTower(false);
    private final RecordedSource source = new RecordedSource();
    private MockProcessorContext<byte[], Outcome<ClassifiedImage>> context;
    private KeyValueStore<Long, byte[]> buffer;
    private final LabelCatalog catalog = new LabelCatalog();
    private final TowerThreads towers = new TowerThreads();

    @BeforeEach
    void stores() {
        java.util.Properties config = new java.util.Properties();
        config.put("application.id", "image-classifier-test");
        config.put("bootstrap.servers", "127.0.0.1:1");
        config.put(SourceReader.CONFIG, source);
        context = new MockProcessorContext<>(config);
        context.setCurrentSystemTimeMs(0);
        buffer = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(ImageClassifier.BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        buffer.init(context.getStateStoreContext(), buffer);
        context.addStateStore(buffer);
        KeyValueStore<String, LabelEmbedding> labels = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE),
                        Serdes.String(),
                        LabelCatalogTest.SERDES.labelEmbedding())
                .withLoggingDisabled()
                .build();
        labels.init(context.getStateStoreContext(), labels);
        context.addStateStore(labels);
        labels.put("s/a", LabelCatalogTest.row("s", 1, "a", 0, 2, "fake", 1, 0));
        labels.put("s/b", LabelCatalogTest.row("s", 1, "b", 1, 2, "fake", 0, 1));
    }

    private ImageClassifier batcher() {
        ImagePreparer preparer = new ImagePreparer(
                encoders, new ImageFetcher(settings.fetch(), settings.maxImageBytes()), settings.maxImageBytes());
        ImageClassifier batcher =
                new ImageClassifier(serdes.imageEvent().deserializer(), encoders, preparer, catalog, settings, towers);
        batcher.init(context);
        return batcher;
    }

    private void send(ImageClassifier batcher, long offset, String id, byte[] image) {
        sendRaw(
                batcher,
                offset,
                id,
                serdes.imageEvent().serializer().serialize("images", Harness.inline(id, "s", image)));
    }

    private void sendRaw(ImageClassifier batcher, long offset, String key, byte[] value) {
        context.setRecordMetadata("images", 0, offset);
        source.add(new InputRecord("images", 0, offset, offset, Harness.bytes(key), value));
        batcher.process(new Record<>(Harness.bytes(key), value, offset));
    }

    private Outcome<ClassifiedImage> outcome(int i) {
        return context.forwarded().get(i).record().value();
    }

    private List<String> forwardedKeys() {
        return context.forwarded().stream()
                .map(f -> new String(f.record().key()))
                .toList();
    }

    @Test
    void flushesInArrivalOrderWithFailuresInPlace() {
        ImageClassifier batcher = batcher();
        send(batcher, 0, "one", new byte[] {5});
        send(batcher, 1, "bad", new byte[] {'X'});
        assertThat(context.forwarded()).isEmpty();
        send(batcher, 2, "three", new byte[] {7});

        assertThat(forwardedKeys()).containsExactly("one", "bad", "three");
        assertThat(outcome(0).ok()).isTrue();
        assertThat(outcome(0).value().classification()).isInstanceOf(Classification.class);
        assertThat(outcome(1).deadLetter().getCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
        assertThat(encoders.batches).containsExactly(List.of(5f, 7f)); // one tower call, failures left out
        assertThat(buffer.approximateNumEntries()).isZero();
        batcher.close();
    }

    @Test
    void theWallClockPunctuationFlushesOnlyOnceTheOldestHasWaited() {
        ImageClassifier batcher = batcher();
        context.setCurrentSystemTimeMs(1_000);
        send(batcher, 0, "one", new byte[] {5});
        var punctuator = context.scheduledPunctuators().get(0).getPunctuator();
        punctuator.punctuate(1_099);
        assertThat(context.forwarded()).isEmpty();
        punctuator.punctuate(1_100);
        assertThat(forwardedKeys()).containsExactly("one");
        batcher.close();
    }

    @Test
    void aRecordProcessedRightAfterAFlushWaitsFromTheNextPunctuation() {
        // Kafka Streams gives every record of one run of a task the same time, read before the run: the fourth
        // image below is processed after the tower ran for the first three, yet stamped with the earlier time.
        ImageClassifier batcher = batcher();
        context.setCurrentSystemTimeMs(1_000);
        send(batcher, 0, "one", new byte[] {5});
        send(batcher, 1, "two", new byte[] {6});
        send(batcher, 2, "three", new byte[] {7});
        send(batcher, 3, "four", new byte[] {8});
        var punctuator = context.scheduledPunctuators().get(0).getPunctuator();
        punctuator.punctuate(1_500);
        assertThat(forwardedKeys()).containsExactly("one", "two", "three");
        punctuator.punctuate(1_599);
        assertThat(forwardedKeys()).hasSize(3);
        punctuator.punctuate(1_600);
        assertThat(forwardedKeys()).containsExactly("one", "two", "three", "four");
        batcher.close();
    }

    @Test
    void imagesLeftInTheBufferByACrashAreClassifiedAfterTheRestart() {
        ImageClassifier crashed = batcher();
        context.setCurrentSystemTimeMs(0);
        send(crashed, 0, "one", new byte[] {5});
        send(crashed, 1, "two", new byte[] {6});
        crashed.close(); // no flush: as if the process died here
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(2);

        context.resetForwards();
        ImageClassifier restarted = batcher();
        send(restarted, 2, "three", new byte[] {7}); // the restored two count towards the batch of 3
        assertThat(forwardedKeys()).containsExactly("one", "two", "three");
        assertThat(encoders.batches).containsExactly(List.of(5f, 6f, 7f));
        assertThat(source.reads)
                .as("the two buffered records were read back from the topic")
                .isEqualTo(1);
        restarted.close();
    }

    @Test
    void theBufferHoldsWhereAnImageIsNotItsBytes() {
        ImageClassifier batcher = batcher();
        send(batcher, 0, "big", new byte[4 << 20]);
        try (var it = buffer.all()) {
            assertThat(it.next().value.length).isLessThan(64); // its position and key, not 4 MB
        }
        batcher.close();
    }

    @Test
    void aBufferedImageThatIsGoneFromTheTopicAfterARestartIsOneDeadLetter() {
        ImageClassifier crashed = batcher();
        send(crashed, 0, "one", new byte[] {5});
        send(crashed, 1, "two", new byte[] {6});
        crashed.close();
        source.delete("images", 0, 0); // retention deleted it meanwhile

        ImageClassifier restarted = batcher();
        send(restarted, 2, "three", new byte[] {7});
        assertThat(context.forwarded()).hasSize(3);
        assertThat(outcome(0).deadLetter().getCode()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(outcome(0).deadLetter().getMessage()).contains("images-0@0", "no longer in the topic");
        assertThat(forwardedKeys().subList(1, 3)).containsExactly("two", "three");
        restarted.close();
    }

    @Test
    void bufferEntriesOfTheFormerFormatHoldingTheWholeRecordAreStillAnswered() {
        byte[] value = serdes.imageEvent().serializer().serialize("images", Harness.inline("old", "s", new byte[] {4}));
        byte[] record = new InputRecord("images", 0, 0, 0, Harness.bytes("old"), value).toBytes();
        buffer.put(
                0L,
                java.nio.ByteBuffer.allocate(8 + record.length)
                        .putLong(0)
                        .put(record)
                        .array());
        ImageClassifier restarted = batcher();
        send(restarted, 1, "one", new byte[] {5});
        send(restarted, 2, "two", new byte[] {6});
        assertThat(forwardedKeys()).containsExactly("old", "one", "two");
        assertThat(source.reads).as("the old entry carried its own bytes").isZero();
        restarted.close();
    }

    @Test
    void aKeyOverTheLimitIsOneRecordTooLargeDeadLetterWithACutKey() {
        ImageClassifier batcher = batcher();
        String key = "k".repeat(RecordLimits.MAX_KEY_BYTES + 1);
        sendRaw(
                batcher,
                0,
                key,
                serdes.imageEvent().serializer().serialize("images", Harness.inline("k", "s", new byte[] {5})));
        send(batcher, 1, "two", new byte[] {6});
        send(batcher, 2, "three", new byte[] {7});
        assertThat(outcome(0).deadLetter().getCode()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(context.forwarded().get(0).record().key()).hasSize(RecordLimits.MAX_KEY_BYTES);
        assertThat(forwardedKeys().subList(1, 3)).containsExactly("two", "three");
        batcher.close();
    }

    @Test
    void aKeyAtTheLimitIsClassified() {
        ImageClassifier batcher = batcher();
        String key = "k".repeat(RecordLimits.MAX_KEY_BYTES);
        sendRaw(
                batcher,
                0,
                key,
                serdes.imageEvent().serializer().serialize("images", Harness.inline("k", "s", new byte[] {5})));
        send(batcher, 1, "two", new byte[] {6});
        send(batcher, 2, "three", new byte[] {7});
        assertThat(outcome(0).ok()).isTrue();
        assertThat(context.forwarded().get(0).record().key()).hasSize(RecordLimits.MAX_KEY_BYTES);
        batcher.close();
    }

    @Test
    void aClassificationThatWouldNotFitTheOutputTopicsIsARecordTooLargeDeadLetter() {
        settings = settings.withMaxRecordBytes(256 * 1024);
        ImageClassifier batcher = batcher();
        io.clipstream.schemas.ImageEvent event = Harness.inline("fat", "s", new byte[] {5});
        event.setAttributes(Map.of("note", "n".repeat(300 * 1024)));
        byte[] value = serdes.imageEvent().serializer().serialize("images", event);
        sendRaw(batcher, 0, "fat", value);
        send(batcher, 1, "two", new byte[] {6});
        send(batcher, 2, "three", new byte[] {7});
        DeadLetter letter = outcome(0).deadLetter();
        assertThat(letter.getCode()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(letter.getOriginalTruncated()).isTrue();
        assertThat(letter.getOriginalSize()).isEqualTo(value.length);
        assertThat(RecordLimits.fits(letter, 3, settings.maxRecordBytes())).isTrue();
        assertThat(outcome(1).ok()).isTrue();
        batcher.close();
    }

    @Test
    void withOverlapTheNextBatchIsReadAndDecodedWhileTheTowerRuns() throws Exception {
        settings = settings.withOverlapTower(true);
        encoders.towerGate = new java.util.concurrent.CountDownLatch(1);
        ImageClassifier batcher = batcher();
        send(batcher, 0, "one", new byte[] {5});
        send(batcher, 1, "two", new byte[] {6});
        send(batcher, 2, "three", new byte[] {7}); // batch 1 goes to the tower, which is held
        send(batcher, 3, "four", new byte[] {8});
        send(batcher, 4, "five", new byte[] {9});
        awaitPreprocessed(5); // batch 2 decodes while batch 1 is in the tower
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(5);

        encoders.towerGate.countDown();
        send(batcher, 5, "six", new byte[] {10}); // batch 1 is emitted before batch 2 enters the tower
        assertThat(forwardedKeys()).containsExactly("one", "two", "three");
        awaitBatches(2);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
        assertThat(forwardedKeys()).containsExactly("one", "two", "three", "four", "five", "six");
        assertThat(encoders.batches).containsExactly(List.of(5f, 6f, 7f), List.of(8f, 9f, 10f));
        assertThat(buffer.approximateNumEntries()).isZero();
        batcher.close();
    }

    @Test
    void withOverlapABatchInTheTowerWhenTheTaskClosesIsClassifiedOnceAfterTheRestart() throws Exception {
        settings = settings.withOverlapTower(true);
        encoders.towerGate = new java.util.concurrent.CountDownLatch(1);
        ImageClassifier crashed = batcher();
        send(crashed, 0, "one", new byte[] {5});
        send(crashed, 1, "two", new byte[] {6});
        send(crashed, 2, "three", new byte[] {7}); // in the tower
        send(crashed, 3, "four", new byte[] {8}); // buffered behind it
        crashed.close();
        encoders.towerGate.countDown(); // the dropped tower call finishes: nothing may come of it
        awaitBatches(1);
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(4);

        encoders.towerGate = null;
        ImageClassifier restarted = batcher();
        send(restarted, 4, "five", new byte[] {9}); // the restored four and this one go to the tower
        awaitBatches(2);
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(10_000);
        assertThat(forwardedKeys()).containsExactly("one", "two", "three", "four", "five");
        assertThat(encoders.batches.get(1)).containsExactly(5f, 6f, 7f, 8f, 9f);
        assertThat(towers.size())
                .as("both tasks of this thread used its one tower thread")
                .isEqualTo(1);
        assertThat(buffer.approximateNumEntries()).isZero();
        restarted.close();
    }

    @Test
    void aSlowFetchHoldsBackOnlyItsOwnKeyAndOthersGoOn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/slow.png", ex -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 1);
            ex.getResponseBody().write(3);
            ex.close();
        });
        server.start();
        try {
            settings = settings.withFetch(new TopologySettings.FetchSettings(
                    true,
                    java.util.Set.of("127.0.0.1"),
                    java.util.Set.of("127.0.0.1"),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10)));
            ImageClassifier batcher = batcher();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/slow.png";
            sendRaw(batcher, 0, "a", serdes.imageEvent().serializer().serialize("images", Harness.url("a1", "s", url)));
            send(batcher, 1, "b", new byte[] {5});
            send(batcher, 2, "a", new byte[] {6}); // same key as the slow one: waits behind it
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(100);
            assertThat(forwardedKeys())
                    .as("b went on without waiting for the fetch")
                    .containsExactly("b");
            assertThat(buffer.approximateNumEntries()).isEqualTo(2);

            release.countDown();
            awaitCount(encoders.preprocessed::get, 3, "images preprocessed");
            context.setCurrentSystemTimeMs(1_000);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000);
            assertThat(forwardedKeys()).containsExactly("b", "a", "a");
            assertThat(outcome(1).value().classification().getImageId()).isEqualTo("a1");
            assertThat(buffer.approximateNumEntries()).isZero();
            batcher.close();
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    private void awaitPreprocessed(int count) throws InterruptedException {
        awaitCount(encoders.preprocessed::get, count, "images preprocessed");
    }

    private void awaitBatches(int count) throws InterruptedException {
        awaitCount(encoders.batches::size, count, "tower calls");
        Thread.sleep(20); // the worker marks its future done right after
    }

    private static void awaitCount(java.util.function.IntSupplier actual, int count, String what)
            throws InterruptedException {
        for (int i = 0; i < 500 && actual.getAsInt() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(actual.getAsInt()).as(what).isEqualTo(count);
    }
}
