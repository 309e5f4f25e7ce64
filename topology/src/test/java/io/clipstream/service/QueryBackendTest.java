package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Classification on request with a fake tower: the one-at-a-time bound, its wait, and the outcomes. */
class QueryBackendTest {
    private final TreeMap<String, LabelEmbedding> table = new TreeMap<>();
    private final Tower tower = new Tower();
    private final ExecutorService callers = Executors.newFixedThreadPool(2);
    private QueryBackend backend;

    @AfterEach
    void stop() {
        tower.release.countDown();
        callers.shutdownNow();
        if (backend != null) {
            backend.close();
        }
    }

    private QueryBackend backend(Duration wait) {
        table.put(
                "s/up",
                LabelEmbedding.newBuilder()
                        .setLabelSetId("s")
                        .setLabelSetVersion(2)
                        .setLabel("up")
                        .setIndex(0)
                        .setLabelCount(2)
                        .setThreshold(0.5f)
                        .setTopK(null)
                        .setModelId("fake")
                        .setEmbedding(List.of(0f, 1f))
                        .build());
        table.put(
                "s/right",
                LabelEmbedding.newBuilder()
                        .setLabelSetId("s")
                        .setLabelSetVersion(2)
                        .setLabel("right")
                        .setIndex(1)
                        .setLabelCount(2)
                        .setThreshold(null)
                        .setTopK(null)
                        .setModelId("fake")
                        .setEmbedding(List.of(1f, 0f))
                        .build());
        backend = new QueryBackend(
                tower,
                new LabelCatalog(),
                () -> Optional.of(new MapStore(table)),
                () -> Optional.of(new ArrayList<>(table.values())),
                new LabelSetProgress(),
                TopologySettings.defaults(),
                wait);
        return backend;
    }

    @Test
    void scoresAgainstTheNewestCompleteVersionWithTheDefaultTopK() throws Exception {
        tower.release.countDown();
        QueryBackend.Result result = backend(Duration.ofSeconds(1)).classify("i", "s", new byte[] {1}, null, null);
        Classification c = ((QueryBackend.Result.Classified) result).classification();
        assertThat(c.getImageId()).isEqualTo("i");
        assertThat(c.getLabelSetVersion()).isEqualTo(2);
        assertThat(c.getModelId()).isEqualTo("fake");
        assertThat(c.getTop()).extracting(s -> s.getLabel()).containsExactly("up", "right");
        assertThat(c.getFlagged()).extracting(s -> s.getLabel()).containsExactly("up");
        assertThat(c.getTop().get(0).getSimilarity()).isEqualTo(1f);
    }

    @Test
    void unknownSetsAndRefusedImagesSayWhy() throws Exception {
        tower.release.countDown();
        QueryBackend b = backend(Duration.ofSeconds(1));
        assertThat(b.classify("i", "nope", new byte[] {1}, null, null))
                .isInstanceOf(QueryBackend.Result.UnknownSet.class);
        assertThat(b.classify("i", "s", new byte[] {9}, null, null))
                .isEqualTo(new QueryBackend.Result.Rejected(ErrorCode.CORRUPT_IMAGE, "not an image"));
        assertThat(b.classify("i", "s", new byte[0], null, null)).isInstanceOf(QueryBackend.Result.Rejected.class);
        assertThat(tower.calls.get()).isZero();
    }

    @Test
    void oneClassificationRunsTheTowerAtATimeAndASecondGivesUpAfterTheWait() throws Exception {
        QueryBackend b = backend(Duration.ofMillis(300));
        Future<QueryBackend.Result> first = callers.submit(() -> b.classify("1", "s", new byte[] {1}, null, null));
        assertThat(tower.entered.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        QueryBackend.Result second = b.classify("2", "s", new byte[] {1}, null, null);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(second).isInstanceOf(QueryBackend.Result.Unavailable.class);
        assertThat(((QueryBackend.Result.Unavailable) second).message()).contains("busy for 300 ms");
        assertThat(waited).isBetween(250L, 5_000L);
        tower.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(QueryBackend.Result.Classified.class);
        assertThat(b.classify("3", "s", new byte[] {1}, null, null)).isInstanceOf(QueryBackend.Result.Classified.class);
        assertThat(tower.most.get()).isEqualTo(1);
        assertThat(tower.threads).containsOnly("query-tower");
    }

    /** Byte 1 is an image pointing up; anything else is corrupt. Blocks in the tower until released. */
    private static final class Tower implements ImageEncoder {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String modelId() {
            return "fake";
        }

        @Override
        public RgbCrop crop(byte[] imageBytes) throws ImageRejectedException {
            if (imageBytes.length != 1 || imageBytes[0] != 1) {
                throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT, "not an image");
            }
            return new RgbCrop(1, new byte[] {0, 1, 0});
        }

        @Override
        public float[][] encodeImages(List<RgbCrop> crops) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            byte[] pixels = crops.get(0).pixels();
            return new float[][] {{pixels[0], pixels[1]}};
        }
    }

    /** A read-only store over a sorted map, enough for the catalog's prefix scan. */
    private record MapStore(TreeMap<String, LabelEmbedding> map)
            implements ReadOnlyKeyValueStore<String, LabelEmbedding> {
        @Override
        public LabelEmbedding get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, LabelEmbedding> range(String from, String to) {
            return iterator(map.subMap(from, true, to, true));
        }

        @Override
        public KeyValueIterator<String, LabelEmbedding> all() {
            return iterator(map);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, LabelEmbedding> prefixScan(
                P prefix, PS serializer) {
            return iterator(map.subMap((String) prefix, (String) prefix + Character.MAX_VALUE));
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

        private static KeyValueIterator<String, LabelEmbedding> iterator(Map<String, LabelEmbedding> entries) {
            Iterator<Map.Entry<String, LabelEmbedding>> it = new ArrayList<>(entries.entrySet()).iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, LabelEmbedding> next() {
                    Map.Entry<String, LabelEmbedding> e = it.next();
                    return KeyValue.pair(e.getKey(), e.getValue());
                }

                @Override
                public void close() {}

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }
}
