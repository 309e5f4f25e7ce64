package io.clipstream.search;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel through the JDK's Vector API (incubator module {@code jdk.incubator.vector}): bytes widened to
 * shorts, multiplied (|127 × 127| fits a short), widened to ints and summed lane-wise, one reduction per vector.
 * Only loaded by {@link DotKernels} when the JVM was started with {@code --add-modules jdk.incubator.vector}.
 */
final class VectorApiDotKernel implements DotKernel {
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SHORTS.vectorShape());
    private static final int STEP = SHORTS.length();

    @Override
    public int dot(byte[] query, byte[] vectors, int offset) {
        int n = query.length;
        IntVector sum = IntVector.zero(INTS);
        int i = 0;
        for (; i + STEP <= n; i += STEP) {
            ShortVector q =
                    (ShortVector) ByteVector.fromArray(BYTES, query, i).convertShape(VectorOperators.B2S, SHORTS, 0);
            ShortVector v = (ShortVector)
                    ByteVector.fromArray(BYTES, vectors, offset + i).convertShape(VectorOperators.B2S, SHORTS, 0);
            ShortVector p = q.mul(v);
            sum = sum.add((IntVector) p.convertShape(VectorOperators.S2I, INTS, 0))
                    .add((IntVector) p.convertShape(VectorOperators.S2I, INTS, 1));
        }
        int s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += query[i] * vectors[offset + i];
        }
        return s;
    }

    @Override
    public String name() {
        return "vector-api-" + SHORTS.vectorBitSize() + "bit";
    }
}
