package io.clipstream.search;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel through the JDK's Vector API (incubator module {@code jdk.incubator.vector}): the codes ANDed with
 * each query bit plane a vector of longs at a time, each lane's bits counted with shifts and masks (Java 17's Vector
 * API has no lane-wise bit count), the four planes' counts weighed and summed lane-wise, one reduction per code.
 * Only loaded by {@link DotKernels} when the JVM was started with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorApiDotKernel implements DotKernel {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int STEP = LONGS.length();
    private static final long M1 = 0x5555555555555555L;
    private static final long M2 = 0x3333333333333333L;
    private static final long M4 = 0x0f0f0f0f0f0f0f0fL;
    private static final long BYTES = 0x0101010101010101L;

    @Override
    public Scorer scorer(long[] planes) {
        long[] p = planes.clone();
        int words = p.length >>> 2;
        return (codes, offset) -> {
            LongVector sum = LongVector.zero(LONGS);
            int w = 0;
            for (; w + STEP <= words; w += STEP) {
                LongVector c = LongVector.fromArray(LONGS, codes, offset + w);
                LongVector p0 = count(c.and(LongVector.fromArray(LONGS, p, w)));
                LongVector p1 = count(c.and(LongVector.fromArray(LONGS, p, words + w)));
                LongVector p2 = count(c.and(LongVector.fromArray(LONGS, p, 2 * words + w)));
                LongVector p3 = count(c.and(LongVector.fromArray(LONGS, p, 3 * words + w)));
                sum = sum.add(p0)
                        .add(p1.lanewise(VectorOperators.LSHL, 1))
                        .add(p2.lanewise(VectorOperators.LSHL, 2))
                        .sub(p3.lanewise(VectorOperators.LSHL, 3));
            }
            int s = (int) sum.reduceLanes(VectorOperators.ADD);
            for (; w < words; w++) {
                long c = codes[offset + w];
                s += Long.bitCount(c & p[w])
                        + 2 * Long.bitCount(c & p[words + w])
                        + 4 * Long.bitCount(c & p[2 * words + w])
                        - 8 * Long.bitCount(c & p[3 * words + w]);
            }
            return s;
        };
    }

    /** Each lane's count of set bits. */
    private static LongVector count(LongVector x) {
        x = x.sub(x.lanewise(VectorOperators.LSHR, 1).and(M1));
        x = x.and(M2).add(x.lanewise(VectorOperators.LSHR, 2).and(M2));
        x = x.add(x.lanewise(VectorOperators.LSHR, 4)).and(M4);
        return x.mul(BYTES).lanewise(VectorOperators.LSHR, 56);
    }

    @Override
    public String name() {
        return "vector-api-" + LONGS.vectorBitSize() + "bit";
    }
}
