package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.fetch.ImageFetcher;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batcher alone, with fake encoders: order, flush triggers, and a buffer left over from a crash, with the tower
 * on the stream thread; then the same guarantees with the tower overlapping the next batch.
 */
class ImageBatcherTest {
    private final RecordSerdes serdes = RecordSerdes.configured(Map.of("schema.registry.url", "mock://batcher-" + UUID.randomUUID()));
    private final FakeEncoders encoders = new FakeEncoders();
    private TopologySettings settings = TopologySettings.defaults().withBatch(3, Duration.ofMillis(100))
            .withOverlapTower(false);
    private MockProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, byte[]> buffer;
    private final LabelCatalog catalog = new LabelCatalog();
    private final TowerThreads towers = new TowerThreads();

    @BeforeEach
    void stores() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(0);
        buffer = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ImageBatcher.BUFFER_STORE), Serdes.Long(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        buffer.init(context.getStateStoreContext(), buffer);
        context.addStateStore(buffer);
        KeyValueStore<String, LabelEmbedding> labels = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE), Serdes.String(),
                LabelCatalogTest.SERDES.labelEmbedding()).withLoggingDisabled().build();
        labels.init(context.getStateStoreContext(), labels);
        context.addStateStore(labels);
        labels.put("s/a", LabelCatalogTest.row("s", 1, "a", 0, 2, "fake", 1, 0));
        labels.put("s/b", LabelCatalogTest.row("s", 1, "b", 1, 2, "fake", 0, 1));
    }

    private ImageBatcher batcher() {
        ImagePreparer preparer = new ImagePreparer(encoders,
                new ImageFetcher(settings.fetch(), settings.maxImageBytes()), settings.maxImageBytes());
        ImageBatcher batcher = new ImageBatcher(serdes.imageEvent().deserializer(), encoders, preparer, catalog, settings,
                towers);
        batcher.init(context);
        return batcher;
    }

    private void send(ImageBatcher batcher, long offset, String id, byte[] image) {
        context.setRecordMetadata("images", 0, offset);
        byte[] value = serdes.imageEvent().serializer().serialize("images", Harness.inline(id, "s", image));
        batcher.process(new Record<>(Harness.bytes(id), value, offset));
    }

    private List<String> forwardedKeys() {
        return context.forwarded().stream().map(f -> new String(f.record().key())).toList();
    }

    @Test
    void flushesInArrivalOrderWithFailuresInPlace() {
        ImageBatcher batcher = batcher();
        send(batcher, 0, "one", new byte[]{5});
        send(batcher, 1, "bad", new byte[]{'X'});
        assertThat(context.forwarded()).isEmpty();
        send(batcher, 2, "three", new byte[]{7});

        assertThat(forwardedKeys()).containsExactly("one", "bad", "three");
        assertThat(context.forwarded().get(0).record().value()).isInstanceOf(Classification.class);
        assertThat(((DeadLetter) context.forwarded().get(1).record().value()).getCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
        assertThat(encoders.batches).containsExactly(List.of(5f, 7f));     // one tower call, failures left out
        assertThat(buffer.approximateNumEntries()).isZero();
        batcher.close();
    }

    @Test
    void theWallClockPunctuationFlushesOnlyOnceTheOldestHasWaited() {
        ImageBatcher batcher = batcher();
        context.setCurrentSystemTimeMs(1_000);
        send(batcher, 0, "one", new byte[]{5});
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
        ImageBatcher batcher = batcher();
        context.setCurrentSystemTimeMs(1_000);
        send(batcher, 0, "one", new byte[]{5});
        send(batcher, 1, "two", new byte[]{6});
        send(batcher, 2, "three", new byte[]{7});
        send(batcher, 3, "four", new byte[]{8});
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
        ImageBatcher crashed = batcher();
        context.setCurrentSystemTimeMs(0);
        send(crashed, 0, "one", new byte[]{5});
        send(crashed, 1, "two", new byte[]{6});
        crashed.close();                                  // no flush: as if the process died here
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(2);

        context.resetForwards();
        ImageBatcher restarted = batcher();
        send(restarted, 2, "three", new byte[]{7});      // the restored two count towards the batch of 3
        assertThat(forwardedKeys()).containsExactly("one", "two", "three");
        assertThat(encoders.batches).containsExactly(List.of(5f, 6f, 7f));
        restarted.close();
    }

    @Test
    void withOverlapTheNextBatchIsReadAndDecodedWhileTheTowerRuns() throws Exception {
        settings = settings.withOverlapTower(true);
        encoders.towerGate = new java.util.concurrent.CountDownLatch(1);
        ImageBatcher batcher = batcher();
        send(batcher, 0, "one", new byte[]{5});
        send(batcher, 1, "two", new byte[]{6});
        send(batcher, 2, "three", new byte[]{7});         // batch 1 goes to the tower, which is held
        send(batcher, 3, "four", new byte[]{8});
        send(batcher, 4, "five", new byte[]{9});
        awaitPreprocessed(5);                              // batch 2 decodes while batch 1 is in the tower
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(5);

        encoders.towerGate.countDown();
        send(batcher, 5, "six", new byte[]{10});           // batch 1 is emitted before batch 2 enters the tower
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
        ImageBatcher crashed = batcher();
        send(crashed, 0, "one", new byte[]{5});
        send(crashed, 1, "two", new byte[]{6});
        send(crashed, 2, "three", new byte[]{7});          // in the tower
        send(crashed, 3, "four", new byte[]{8});           // buffered behind it
        crashed.close();
        encoders.towerGate.countDown();                    // the dropped tower call finishes: nothing may come of it
        awaitBatches(1);
        assertThat(context.forwarded()).isEmpty();
        assertThat(buffer.approximateNumEntries()).isEqualTo(4);

        encoders.towerGate = null;
        ImageBatcher restarted = batcher();
        send(restarted, 4, "five", new byte[]{9});         // the restored four and this one go to the tower
        awaitBatches(2);
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(10_000);
        assertThat(forwardedKeys()).containsExactly("one", "two", "three", "four", "five");
        assertThat(encoders.batches.get(1)).containsExactly(5f, 6f, 7f, 8f, 9f);
        assertThat(towers.size()).as("both tasks of this thread used its one tower thread").isEqualTo(1);
        assertThat(buffer.approximateNumEntries()).isZero();
        restarted.close();
    }

    private void awaitPreprocessed(int count) throws InterruptedException {
        awaitCount(encoders.preprocessed::get, count, "images preprocessed");
    }

    private void awaitBatches(int count) throws InterruptedException {
        awaitCount(encoders.batches::size, count, "tower calls");
        Thread.sleep(20);                                  // the worker marks its future done right after
    }

    private static void awaitCount(java.util.function.IntSupplier actual, int count, String what)
            throws InterruptedException {
        for (int i = 0; i < 500 && actual.getAsInt() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(actual.getAsInt()).as(what).isEqualTo(count);
    }
}
