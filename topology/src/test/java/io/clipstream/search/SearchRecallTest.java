package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The int8 window against exact float search on realistic vectors: recall@10 must stay at or above 0.99. */
class SearchRecallTest {
    private static final int DIMENSION = 512;
    private static final int IMAGES = 20_000;
    private static final int QUERIES = 100;
    private static final int K = 10;

    @Test
    void int8SearchFindsWhatExactFloatSearchFinds() throws Exception {
        ClusteredVectors data = new ClusteredVectors(7, DIMENSION, 200, 1f);
        float[][] vectors = new float[IMAGES][];
        SearchWindow window = new SearchWindow();
        for (int i = 0; i < IMAGES; i++) {
            vectors[i] = data.get(i);
            window.append(i, new SearchEntry("img-" + i, i, 0, "set", List.of(), Map.of(), Int8Vector.of(vectors[i])));
        }
        int found = 0;
        try (SearchScan scan = new SearchScan(DotKernels.best(), 2)) {
            for (int q = 0; q < QUERIES; q++) {
                float[] query = data.get(IMAGES + q);
                Set<String> exact = new HashSet<>(exactTop(vectors, query));
                List<SearchHit> hits =
                        scan.search(List.of(window), new SearchQuery(query, K, Long.MIN_VALUE, null, null));
                assertThat(hits).hasSize(K);
                for (SearchHit h : hits) {
                    found += exact.contains(h.entry().id()) ? 1 : 0;
                    int index = Integer.parseInt(h.entry().id().substring(4));
                    assertThat(h.score()).isCloseTo(dot(vectors[index], query), within(0.01f));
                }
            }
        }
        double recall = found / (double) (QUERIES * K);
        assertThat(recall)
                .as("recall@10 of int8 search against exact float search")
                .isGreaterThanOrEqualTo(0.99);
    }

    private static List<String> exactTop(float[][] vectors, float[] query) {
        double[] scores = new double[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            scores[i] = dot(vectors[i], query);
        }
        return IntStream.range(0, vectors.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .limit(K)
                .map(i -> "img-" + i)
                .toList();
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
