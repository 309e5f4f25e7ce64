package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.search.DotKernels;
import io.clipstream.search.HalfVector;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchHit;
import io.clipstream.search.SearchQuery;
import io.clipstream.search.SearchScan;
import io.clipstream.search.SearchWindow;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The window's search (sign codes, int8 copies, then the stored half-precision vectors) against exact float search
 * on clustered vectors: recall@10 must stay at or above 0.99, and every score must be the image's cosine to 1e-4. 20,000 images in 10 clusters, so a query's cluster holds about as many images (2,000) as one of the 500
 * clusters of the benchmark's million, and each of the 2 threads keeps 1,000 candidates, half the service's 2,000: a
 * harder setting than the benchmark's, not an easier one (with 500 a thread recall was 0.976, with 200 about 0.8).
 */
class SearchRecallTest {
    private static final int DIMENSION = 512;
    private static final int IMAGES = 20_000;
    private static final int CANDIDATES = 1000;
    private static final int QUERIES = 100;
    private static final int K = 10;

    @Test
    void twoPassSearchFindsWhatExactFloatSearchFinds() throws Exception {
        ClusteredVectors data = new ClusteredVectors(7, DIMENSION, 10, 1f);
        float[][] vectors = new float[IMAGES][];
        HalfVector[] stored = new HalfVector[IMAGES];
        SearchWindow window = new SearchWindow(key -> stored[(int) key]);
        for (int i = 0; i < IMAGES; i++) {
            vectors[i] = data.get(i);
            stored[i] = HalfVector.of(vectors[i]);
            window.append(i, new SearchEntry("img-" + i, i, 0, "set", List.of(), Map.of(), stored[i]));
        }
        int found = 0;
        try (SearchScan scan = new SearchScan(DotKernels.best(), 2, CANDIDATES)) {
            for (int q = 0; q < QUERIES; q++) {
                float[] query = data.get(IMAGES + q);
                Set<String> exact = new HashSet<>(exactTop(vectors, query));
                List<SearchHit> hits =
                        scan.search(List.of(window), new SearchQuery(query, K, Long.MIN_VALUE, null, null));
                assertThat(hits).hasSize(K);
                for (SearchHit h : hits) {
                    found += exact.contains(h.entry().id()) ? 1 : 0;
                    int index = Integer.parseInt(h.entry().id().substring(4));
                    assertThat(h.score()).isCloseTo(dot(vectors[index], query), within(1e-4f));
                }
            }
        }
        double recall = found / (double) (QUERIES * K);
        assertThat(recall)
                .as("recall@10 of the two-pass search against exact float search")
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
