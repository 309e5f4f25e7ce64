package io.clipstream.search;

/**
 * The first pass of a search: integer dot products of one query, quantised to 4-bit signed integers, with many sign
 * codes (one bit per component) laid end to end. See {@link SignCodes} for the layout.
 */
public interface DotKernel {

    /**
     * The scorer of one query given as 4 bit planes: {@code words = planes.length / 4} longs each, bit {@code d % 64}
     * of {@code planes[j * words + d / 64]} being bit {@code j} of component {@code d}'s 4-bit two's complement
     * integer {@code u[d]} (bit 3 weighs -8). Made once per search; what it precomputes is the kernel's affair.
     */
    Scorer scorer(long[] planes);

    /** What the kernel runs on, for logs and the benchmark. */
    String name();

    /** One query's scorer; safe to use from several threads at once. */
    interface Scorer {

        /**
         * {@code sum over d of u[d] * b[d]}, {@code b[d]} being bit {@code d % 64} of {@code codes[offset + d / 64]},
         * for {@code d} below {@code 64 * words}. Exact: at most 512 × words in magnitude.
         */
        int dot(long[] codes, int offset);
    }
}
