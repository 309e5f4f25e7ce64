package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SearchWindowTest {
    private static final Duration DAY = Duration.ofDays(1);
    private final SearchScan scan = new SearchScan(DotKernels.scalar(), 2);

    @AfterEach
    void close() {
        scan.close();
    }

    private static float[] axis(int i, int dimension) {
        float[] x = new float[dimension];
        x[i] = 1;
        return x;
    }

    private static SearchEntry entry(String id, long eventTime, long entered, String set, float[] vector) {
        return new SearchEntry(
                id,
                eventTime,
                entered,
                set,
                List.of(new TopLabel("cat", 0.3f, 0.9f)),
                Map.of("camera", "porch"),
                HalfVector.of(ZeroShotClassifier.normalize(vector)));
    }

    private List<String> ids(SearchWindow w, SearchQuery q) throws InterruptedException {
        return scan.search(List.of(w), q).stream().map(h -> h.entry().id()).toList();
    }

    @Test
    void findsTheNearestImagesBestFirstWithWhatTheirClassificationSaid() throws Exception {
        SearchWindow w = new SearchWindow();
        w.append(0, entry("a", 10, 10, "s", new float[] {1, 0, 0, 0}));
        w.append(1, entry("b", 11, 11, "s", new float[] {0.8f, 0.6f, 0, 0}));
        w.append(2, entry("c", 12, 12, "s", new float[] {0, 0, 1, 0}));
        List<SearchHit> hits =
                scan.search(List.of(w), new SearchQuery(new float[] {2, 0, 0, 0}, 2, Long.MIN_VALUE, null, null));
        assertThat(hits).extracting(h -> h.entry().id()).containsExactly("a", "b");
        assertThat(hits.get(0).score()).isCloseTo(1f, org.assertj.core.api.Assertions.within(0.01f));
        assertThat(hits.get(1).score()).isCloseTo(0.8f, org.assertj.core.api.Assertions.within(0.01f));
        SearchEntry a = hits.get(0).entry();
        assertThat(a.eventTime()).isEqualTo(10);
        assertThat(a.labelSet()).isEqualTo("s");
        assertThat(a.top()).containsExactly(new TopLabel("cat", 0.3f, 0.9f));
        assertThat(a.attributes()).containsEntry("camera", "porch");
    }

    @Test
    void filtersByEventTimeLabelSetAndTheExcludedImage() throws Exception {
        SearchWindow w = new SearchWindow();
        w.append(0, entry("old", 100, 1, "s", axis(0, 4)));
        w.append(1, entry("new", 200, 2, "s", new float[] {0.9f, 0.1f, 0, 0}));
        w.append(2, entry("other-set", 300, 3, "t", new float[] {0.8f, 0.2f, 0, 0}));
        float[] q = axis(0, 4);
        assertThat(ids(w, new SearchQuery(q, 10, 150, null, null))).containsExactly("new", "other-set");
        assertThat(ids(w, new SearchQuery(q, 10, Long.MIN_VALUE, "t", null))).containsExactly("other-set");
        assertThat(ids(w, new SearchQuery(q, 10, Long.MIN_VALUE, "unknown", null)))
                .isEmpty();
        assertThat(ids(w, new SearchQuery(q, 10, Long.MIN_VALUE, null, "old"))).containsExactly("new", "other-set");
    }

    @Test
    void aNewerImageWithTheSameIdReplacesTheOlder() throws Exception {
        SearchWindow w = new SearchWindow();
        assertThat(w.append(7, entry("a", 1, 1, "s", axis(0, 4)))).isEqualTo(-1);
        assertThat(w.append(8, entry("a", 2, 2, "s", axis(1, 4)))).isEqualTo(7);
        assertThat(w.size()).isEqualTo(1);
        assertThat(ids(w, new SearchQuery(axis(0, 4), 10, Long.MIN_VALUE, null, null)))
                .containsExactly("a");
        assertThat(w.vectorOf("a"))
                .hasValueSatisfying(v -> assertThat(v)
                        .containsExactly(new float[] {0, 1, 0, 0}, org.assertj.core.api.Assertions.within(0.01f)));
    }

    @Test
    void theOldestLeaveByCountAndByTimeSinceTheyWereClassified() throws Exception {
        SearchWindow w = new SearchWindow();
        int n = 2 * SearchWindow.CHUNK + 10; // over two chunks, so whole chunks are dropped
        for (int i = 0; i < n; i++) {
            w.append(1000 + i, entry("img-" + i, i, i, "s", axis(i % 4, 4)));
        }
        List<Long> left = w.evict(n, DAY, SearchWindow.CHUNK);
        assertThat(left)
                .hasSize(n - SearchWindow.CHUNK)
                .startsWith(1000L, 1001L)
                .endsWith(1000L + n - SearchWindow.CHUNK - 1);
        assertThat(w.size()).isEqualTo(SearchWindow.CHUNK);
        assertThat(w.vectorOf("img-0")).isEmpty();
        assertThat(w.vectorOf("img-" + (n - 1))).isPresent();
        // retention: images classified more than 100 ms before "now" leave
        long firstKept = n - SearchWindow.CHUNK;
        left = w.evict(firstKept + 100, Duration.ofMillis(100), Integer.MAX_VALUE);
        assertThat(left).isEmpty();
        left = w.evict(firstKept + 101, Duration.ofMillis(100), Integer.MAX_VALUE);
        assertThat(left).containsExactly(1000L + n - SearchWindow.CHUNK);
        List<String> all = ids(w, new SearchQuery(axis(0, 4), SearchWindow.CHUNK, Long.MIN_VALUE, null, null));
        assertThat(all).hasSize(SearchWindow.CHUNK - 1).doesNotContain("img-0", "img-" + (n - SearchWindow.CHUNK));
        w.evict(Long.MAX_VALUE, Duration.ofMillis(1), 1);
        assertThat(w.size()).isZero();
        w.append(5, entry("again", 1, Long.MAX_VALUE, "s", axis(2, 4)));
        assertThat(ids(w, new SearchQuery(axis(2, 4), 1, Long.MIN_VALUE, null, null)))
                .containsExactly("again");
    }

    @Test
    void searchesEveryWindowAndSplitsTheWorkAcrossThreads() throws Exception {
        // 64 components: the first pass ranks by sign codes, which need more than a handful of components to tell
        // vectors apart; the 49,152 random ones lie far from the query's axis, "second" and "best" close to it
        java.util.Random random = new java.util.Random(9);
        SearchWindow w1 = new SearchWindow();
        SearchWindow w2 = new SearchWindow();
        for (int i = 0; i < 3 * SearchWindow.CHUNK; i++) {
            w1.append(i, entry("one-" + i, i, i, "s", SignCodesTest.gaussianUnit(random, 64)));
        }
        float[] second = axis(0, 64);
        second[1] = 0.3f;
        w2.append(0, entry("best", 0, 0, "s", axis(0, 64)));
        w1.append(3L * SearchWindow.CHUNK, entry("second", 0, 0, "s", second));
        assertThat(ids(w1, new SearchQuery(axis(0, 64), 1, Long.MIN_VALUE, null, null)))
                .containsExactly("second");
        List<SearchHit> hits =
                scan.search(List.of(w1, w2), new SearchQuery(axis(0, 64), 2, Long.MIN_VALUE, null, null));
        assertThat(hits).extracting(h -> h.entry().id()).containsExactly("best", "second");
    }

    @Test
    void entriesSurviveTheirStoreFormatAndDamagedBytesAreRefused() {
        SearchEntry e = new SearchEntry(
                "ü-1",
                5,
                6,
                "s",
                List.of(new TopLabel("a", 0.1f, 0.2f)),
                Map.of("k", "v", "x", ""),
                HalfVector.of(new float[] {0.5f, -1, 0.1f}));
        byte[] bytes = SearchEntryCodec.encode(e);
        assertThat(bytes[0]).isEqualTo((byte) 2);
        SearchEntry back = SearchEntryCodec.decode(bytes);
        assertThat(back).usingRecursiveComparison().ignoringFields("vector").isEqualTo(e);
        assertThat(back.vector().bits()).isEqualTo(e.vector().bits());
        assertThat(back.vector().toFloats()).containsExactly(0.5f, -1f, HalfVector.toFloat(HalfVector.toHalf(0.1f)));
        assertThat(SearchEntryCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isNull();
        assertThat(SearchEntryCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length + 1)))
                .isNull();
        assertThat(SearchEntryCodec.decode(new byte[] {2, 0, 0})).isNull();
        assertThat(SearchEntryCodec.decode(new byte[] {3, 0, 0})).isNull();
        byte[] hugeCount = bytes.clone();
        hugeCount[17] = 0x7f; // the id's length
        assertThat(SearchEntryCodec.decode(hugeCount)).isNull();
        assertThat(SearchEntryCodec.decode(new byte[0])).isNull();
    }

    @Test
    void theEncodedSizeIsCountedWithoutEncoding() {
        // one, two, three and four UTF-8 bytes, a lone high and a lone low surrogate, and a pair cut at the end
        String[] texts = {"", "a", "ü", "猫", "🐈", "x\uD83Dy", "\uDC08", "cat \uD83D", "label 🐈‍⬛ ☃️"};
        for (String text : texts) {
            SearchEntry e = new SearchEntry(
                    text,
                    1,
                    2,
                    text,
                    List.of(new TopLabel(text, 0.1f, 0.2f), new TopLabel("b", 0, 0)),
                    Map.of(text + "k", text),
                    HalfVector.of(new float[768]));
            assertThat(SearchEntryCodec.encodedSize(e)).as("%s", text).isEqualTo(SearchEntryCodec.encode(e).length);
        }
    }

    @Test
    void entriesWrittenInTheInt8FormatAreStillRead() {
        Int8Vector v = Int8Vector.of(new float[] {0.5f, -1, 0.1f});
        byte[] id = "a".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 8 + 8 + 4 + 1 + 4 + 1 + 4 + 4 + 4 + 3 + 1 + 4);
        b.put((byte) 1).putLong(5).putLong(6);
        b.putInt(1).put(id).putInt(1).put(id); // id "a", label set "a"
        b.putInt(0).putInt(0); // no top labels, no attributes
        b.putInt(3).put(v.values()).put(v.finer()).putFloat(v.scale());
        SearchEntry back = SearchEntryCodec.decode(b.array());
        assertThat(back).isNotNull();
        assertThat(back.id()).isEqualTo("a");
        assertThat(back.eventTime()).isEqualTo(5);
        assertThat(back.vector().toFloats())
                .containsExactly(HalfVector.of(v.toFloats()).toFloats());
    }

    @Test
    void theLastStepRanksByTheStoredVectorsWhereTheInt8CopiesCannotTellImagesApart() throws Exception {
        // images a little off the query whose cosines differ by less than the int8 copies resolve (about 3e-4 at 64
        // components) and more than the half-precision vectors do (about 1e-5)
        java.util.Random random = new java.util.Random(3);
        int dim = 64;
        float[] query = SignCodesTest.gaussianUnit(random, dim);
        int n = 400;
        float[][] vectors = new float[n][];
        HalfVector[] stored = new HalfVector[n];
        SearchWindow approximate = new SearchWindow();
        SearchWindow rescored = new SearchWindow(key -> stored[(int) key]);
        for (int i = 0; i < n; i++) {
            float[] v = query.clone();
            for (int d = 0; d < dim; d++) {
                v[d] += (float) random.nextGaussian() * 0.02f;
            }
            vectors[i] = ZeroShotClassifier.normalize(v);
            stored[i] = HalfVector.of(vectors[i]);
            approximate.append(i, entry("img-" + i, i, i, "s", vectors[i]));
            rescored.append(i, entry("img-" + i, i, i, "s", vectors[i]));
        }
        List<String> exact = java.util.stream.IntStream.range(0, n)
                .boxed()
                .sorted((a, b) -> Double.compare(dot(vectors[b], query), dot(vectors[a], query)))
                .limit(10)
                .map(i -> "img-" + i)
                .toList();
        SearchQuery q = new SearchQuery(query, 10, Long.MIN_VALUE, null, null);
        assertThat(ids(approximate, q))
                .as("the int8 copies alone")
                .isNotEmpty()
                .matches(found -> !new java.util.HashSet<>(found).equals(new java.util.HashSet<>(exact)));
        List<SearchHit> hits = scan.search(List.of(rescored), q);
        assertThat(hits).extracting(h -> h.entry().id()).containsExactlyInAnyOrderElementsOf(exact);
        assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        for (SearchHit h : hits) {
            int i = Integer.parseInt(h.entry().id().substring(4));
            assertThat(h.score()).isEqualTo(stored[i].cosine(ZeroShotClassifier.normalize(query)));
        }
        assertThat(rescored.vectorOf("img-7"))
                .hasValueSatisfying(v -> assertThat(v).containsExactly(stored[7].toFloats()));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
