package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DotKernelsTest {

    @Test
    void theVectorApiKernelGivesTheScalarKernelsIntegers() {
        assertThat(DotKernels.vectorApiPresent())
                .as("the tests run with --add-modules jdk.incubator.vector")
                .isTrue();
        assertThat(DotKernels.best().name()).startsWith("vector-api");
        Random random = new Random(3);
        for (int dimension : new int[] {512, 768, 8, 37}) {
            byte[] query = new byte[dimension];
            byte[] vectors = new byte[dimension * 3 + 5];
            random.nextBytes(query);
            random.nextBytes(vectors);
            query[0] = -128;
            vectors[5] = -128; // the extremes multiply without overflow
            for (int offset : new int[] {0, 5, dimension}) {
                int expected = 0;
                for (int i = 0; i < dimension; i++) {
                    expected += query[i] * vectors[offset + i];
                }
                assertThat(DotKernels.scalar().dot(query, vectors, offset)).isEqualTo(expected);
                assertThat(DotKernels.best().dot(query, vectors, offset)).isEqualTo(expected);
            }
        }
    }

    @Test
    void int8VectorsRoundToTheNearestOf255LevelsAndTheFinerBitHalvesTheError() {
        float[] x = {0.5f, -0.3f, 0.001f, 0f};
        Int8Vector q = Int8Vector.of(x);
        assertThat(q.values()).containsExactly(127, -76, 0, 0);
        assertThat(Int8Vector.of(new float[3]).scale()).isZero();
        float[] y = ClusteredVectors.unit(new ClusteredVectors(5, 512, 3, 1f).get(0));
        Int8Vector v = Int8Vector.of(y);
        float[] back = v.toFloats();
        for (int i = 0; i < y.length; i++) {
            assertThat(Math.abs(back[i] - y[i])).as("component " + i).isLessThanOrEqualTo(v.scale() / 4 * 1.0001f);
            assertThat(Math.abs(v.values()[i] * v.scale() - y[i])).isLessThanOrEqualTo(v.scale() / 2 * 1.0001f);
        }
    }
}
