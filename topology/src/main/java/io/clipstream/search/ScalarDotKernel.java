package io.clipstream.search;

/**
 * The plain-Java kernel for C2: one AND and one {@link Long#bitCount} (the CPU's population count, once C2 compiles
 * it) per query bit plane and 64 components, four independent sums. C1 does not make {@code bitCount} one
 * instruction: there {@link TableDotKernel} is faster.
 */
final class ScalarDotKernel implements DotKernel {

    @Override
    public Scorer scorer(long[] planes) {
        long[] p = planes.clone();
        int words = p.length >>> 2;
        return (codes, offset) -> {
            int p0 = 0;
            int p1 = 0;
            int p2 = 0;
            int p3 = 0;
            for (int w = 0; w < words; w++) {
                long c = codes[offset + w];
                p0 += Long.bitCount(c & p[w]);
                p1 += Long.bitCount(c & p[words + w]);
                p2 += Long.bitCount(c & p[2 * words + w]);
                p3 += Long.bitCount(c & p[3 * words + w]);
            }
            return p0 + 2 * p1 + 4 * p2 - 8 * p3;
        };
    }

    @Override
    public String name() {
        return "scalar";
    }
}
