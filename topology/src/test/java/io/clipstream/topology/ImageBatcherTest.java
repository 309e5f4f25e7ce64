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

/** The batcher alone, with fake encoders: order, flush triggers, and a buffer left over from a crash. */
class ImageBatcherTest {
    private final RecordSerdes serdes = RecordSerdes.configured(Map.of("schema.registry.url", "mock://batcher-" + UUID.randomUUID()));
    private final FakeEncoders encoders = new FakeEncoders();
    private final TopologySettings settings = TopologySettings.defaults().withBatch(3, Duration.ofMillis(100));
    private MockProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, byte[]> buffer;
    private final LabelCatalog catalog = new LabelCatalog();

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
        ImageBatcher batcher = new ImageBatcher(serdes.imageEvent().deserializer(), encoders, preparer, catalog, settings);
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
}
