package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SignCodesTest {

    static float[] gaussianUnit(Random random, int dimension) {
        float[] x = new float[dimension];
        double norm = 0;
        for (int d = 0; d < dimension; d++) {
            x[d] = (float) random.nextGaussian();
            norm += x[d] * x[d];
        }
        for (int d = 0; d < dimension; d++) {
            x[d] /= (float) Math.sqrt(norm);
        }
        return x;
    }

    @Test
    void theWindowsLayoutGivesTheInt8VectorBackBitForBit() {
        Random random = new Random(1);
        for (int dim : new int[] {512, 768, 4, 65, 100}) {
            int n = 3;
            long[] signs = new long[n * SignCodes.words(dim)];
            byte[] magnitudes = new byte[n * dim];
            float[] scales = new float[n];
            float[] factors = new float[n];
            Int8Vector[] stored = new Int8Vector[n];
            for (int i = 0; i < n; i++) {
                float[] x = gaussianUnit(random, dim);
                if (i == 1) {
                    x[0] = 0; // a zero component: its sign bit follows the finer bit
                    x[dim - 1] = -0.9f; // the extremes: magnitude 127
                }
                stored[i] = Int8Vector.of(x);
                SignCodes.store(stored[i], signs, magnitudes, scales, factors, i);
            }
            float[] query = gaussianUnit(random, dim);
            for (int i = 0; i < n; i++) {
                Int8Vector back = SignCodes.load(signs, magnitudes, scales, dim, i);
                assertThat(back.values()).containsExactly(stored[i].values());
                assertThat(back.finer()).containsExactly(stored[i].finer());
                assertThat(back.scale()).isEqualTo(stored[i].scale());
                float[] v = stored[i].toFloats();
                double expected = 0;
                for (int d = 0; d < dim; d++) {
                    expected += query[d] * v[d];
                    boolean positive = (signs[i * SignCodes.words(dim) + d / 64] >>> (d % 64) & 1) != 0;
                    assertThat(positive).as("sign bit " + d).isEqualTo(v[d] > 0);
                }
                assertThat(SignCodes.dot(query, signs, magnitudes, scales, i))
                        .isCloseTo((float) expected, within(1e-5f));
            }
            assertThat(SignCodes.bytesPerVector(dim)).isEqualTo(8L * SignCodes.words(dim) + dim + 8);
        }
        assertThat(SearchWindow.bytesPerVector(512)).isEqualTo(584);
    }

    @Test
    void theFirstPassEstimateIsTheQuantisedQueryAgainstTheSignsTimesTheFactor() {
        Random random = new Random(2);
        int dim = 100;
        float[] x = gaussianUnit(random, dim);
        long[] signs = new long[SignCodes.words(dim)];
        float[] scales = new float[1];
        float[] factors = new float[1];
        Int8Vector stored = Int8Vector.of(x);
        SignCodes.store(stored, signs, new byte[dim], scales, factors, 0);
        float[] query = gaussianUnit(random, dim);
        SignCodes.Query q = SignCodes.Query.of(query);

        float max = 0;
        for (float v : query) {
            max = Math.max(max, Math.abs(v));
        }
        float[] v = stored.toFloats();
        double l1 = 0;
        double l2 = 0;
        long expected = 0;
        int sum = 0;
        for (int d = 0; d < dim; d++) {
            int u = Math.round(query[d] * 7 / max);
            assertThat(u).isBetween(-7, 7);
            sum += u;
            expected += (long) u * (v[d] > 0 ? 1 : -1);
            l1 += Math.abs(v[d]);
            l2 += v[d] * v[d];
        }
        assertThat(q.sum()).isEqualTo(sum);
        assertThat(factors[0]).isCloseTo((float) (Math.sqrt(l2) / l1), within(1e-6f));
        int dot = DotKernels.scalar().scorer(q.planes()).dot(signs, 0);
        assertThat(q.estimate(dot, factors[0])).isCloseTo(factors[0] * expected, within(1e-3f));
        // and the estimate is a cosine up to the query's scale: close to the exact one for a vector like itself
        SignCodes.store(Int8Vector.of(query), signs, new byte[dim], scales, factors, 0);
        float self = q.estimate(DotKernels.table().scorer(q.planes()).dot(signs, 0), factors[0]) * max / 7;
        assertThat(self).isCloseTo(1f, within(0.1f));
    }
}
