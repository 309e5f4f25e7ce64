package io.clipstream.search;

import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DotKernelsTest {

    @Test
    void theVectorApiKernelGivesTheScalarKernelsIntegers() {
        assertThat(DotKernels.vectorApiPresent()).as("the tests run with --add-modules jdk.incubator.vector").isTrue();
        assertThat(DotKernels.best().name()).startsWith("vector-api");
        Random random = new Random(3);
        for (int dimension : new int[] {512, 768, 8, 37}) {
            byte[] query = new byte[dimension];
            byte[] vectors = new byte[dimension * 3 + 5];
            random.nextBytes(query);
            random.nextBytes(vectors);
            query[0] = -128;
            vectors[5] = -128;          // the extremes multiply without overflow
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
    void int8VectorsRoundEachComponentToTheNearestOf255Levels() {
        float[] x = {0.5f, -0.3f, 0.001f, 0f};
        Int8Vector q = Int8Vector.of(x);
        assertThat(q.values()).containsExactly(127, -76, 0, 0);
        assertThat(q.toFloats()[0]).isEqualTo(0.5f);
        assertThat(Int8Vector.of(new float[3]).scale()).isZero();
    }
}
