package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DotKernelsTest {

    /** The kernel's contract written out component by component. */
    private static int reference(long[] planes, long[] codes, int offset) {
        int words = planes.length / 4;
        int sum = 0;
        for (int d = 0; d < 64 * words; d++) {
            int w = d / 64;
            long bit = 1L << (d % 64);
            int u = 0;
            for (int j = 0; j < 4; j++) {
                if ((planes[j * words + w] & bit) != 0) {
                    u += j == 3 ? -8 : 1 << j;
                }
            }
            sum += (codes[offset + w] & bit) != 0 ? u : 0;
        }
        return sum;
    }

    @Test
    void bothKernelsGiveTheReferenceIntegers() {
        assertThat(DotKernels.vectorApiPresent())
                .as("the tests run with --add-modules jdk.incubator.vector")
                .isTrue();
        assertThat(DotKernels.optimisingCompiler()).isTrue();
        DotKernel vectorApi = DotKernels.vectorApi().orElseThrow();
        assertThat(vectorApi.name()).startsWith("vector-api");
        assertThat(DotKernels.best().name()).as("with C2").isEqualTo("scalar");
        List<DotKernel> kernels = List.of(DotKernels.scalar(), DotKernels.table(), vectorApi);
        Random random = new Random(3);
        for (int words : new int[] {8, 12, 1, 3, 16}) {
            for (int round = 0; round < 20; round++) {
                long[] planes = new long[4 * words];
                long[] codes = new long[words * 3 + 5];
                for (int i = 0; i < planes.length; i++) {
                    planes[i] = round == 0 ? -1L : random.nextLong(); // all ones: every component -1
                }
                for (int i = 0; i < codes.length; i++) {
                    codes[i] = round == 1 ? -1L : random.nextLong();
                }
                for (DotKernel kernel : kernels) {
                    DotKernel.Scorer scorer = kernel.scorer(planes);
                    for (int offset : new int[] {0, 5, words, 2 * words + 5}) {
                        assertThat(scorer.dot(codes, offset))
                                .as(kernel.name())
                                .isEqualTo(reference(planes, codes, offset));
                    }
                }
            }
        }
    }

    @Test
    void int8VectorsRoundToTheNearestOf255LevelsAndTheFinerBitHalvesTheError() {
        float[] x = {0.5f, -0.3f, 0.001f, 0f};
        Int8Vector q = Int8Vector.of(x);
        assertThat(q.values()).containsExactly(127, -76, 0, 0);
        assertThat(Int8Vector.of(new float[3]).scale()).isZero();
        float[] y = SignCodesTest.gaussianUnit(new Random(5), 512);
        Int8Vector v = Int8Vector.of(y);
        float[] back = v.toFloats();
        for (int i = 0; i < y.length; i++) {
            assertThat(Math.abs(back[i] - y[i])).as("component " + i).isLessThanOrEqualTo(v.scale() / 4 * 1.0001f);
            assertThat(Math.abs(v.values()[i] * v.scale() - y[i])).isLessThanOrEqualTo(v.scale() / 2 * 1.0001f);
        }
    }
}
