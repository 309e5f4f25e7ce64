package io.clipstream.search;

/**
 * How a window holds its vectors, and the query side of the two passes of a search. An {@link Int8Vector} (values
 * {@code q}, finer bits {@code f}, scale) stands for {@code v[d] = q[d] ± 1/4} times its scale; the window keeps it as
 * <ul>
 *   <li>its sign code: bit {@code d} set when {@code v[d] > 0}, 64 components a {@code long} (64 bytes at 512
 *       dimensions), all codes of a chunk end to end: what the first pass reads;</li>
 *   <li>a byte per component, {@code |q[d]| << 1 | f[d]}: with the sign bit it gives {@code v[d]} back exactly, so
 *       the int8 vector and its finer bits take no more room than before and the sign code costs no extra byte;</li>
 *   <li>its scale and its sign factor {@code |v|₂ / |v|₁}, a float each.</li>
 * </ul>
 * The first pass estimates the query's cosine with each vector from the sign code alone, asymmetrically: the query
 * keeps 4 bits a component (not 1), and the estimate {@code factor × Σ u[d] (±1)} is the one of RaBitQ (Gao and Long,
 * 2024) without its random rotation: {@code <u, sign(v)> / <sign(v)/√D, v/|v|>} is unbiased for {@code <u, v/|v|>}
 * when the vector's components are spread evenly. The second pass scores the best candidates exactly with the float
 * query against {@code v}.
 */
final class SignCodes {
    /** {@code v[d]} for {@code (sign bit << 8) | magnitude byte}. */
    private static final float[] VALUES = new float[512];

    static {
        for (int sign = 0; sign < 2; sign++) {
            for (int b = 0; b < 256; b++) {
                int magnitude = b >>> 1;
                float finer = (b & 1) != 0 ? 0.25f : -0.25f;
                VALUES[sign << 8 | b] = (sign == 1 ? magnitude : -magnitude) + finer;
            }
        }
    }

    private SignCodes() {}

    /** Longs of one sign code. */
    static int words(int dimension) {
        return (dimension + 63) >>> 6;
    }

    /**
     * Bytes a window spends on one vector: sign code, magnitudes with finer bits, scale and sign factor (the slot's
     * event time, label set, store key and entry are counted apart, {@link SearchWindow#SLOT_BYTES}).
     */
    static long bytesPerVector(int dimension) {
        return (long) words(dimension) * Long.BYTES + dimension + Float.BYTES + Float.BYTES;
    }

    /** Writes {@code x} at index {@code i} of the arrays (codes and bytes laid out as in the class comment). */
    static void store(Int8Vector x, long[] signs, byte[] magnitudes, float[] scales, float[] factors, int i) {
        int dim = x.dimension();
        int words = words(dim);
        byte[] q = x.values();
        byte[] finer = x.finer();
        double l1 = 0;
        double l2 = 0;
        for (int d = 0; d < dim; d++) {
            int f = (finer[d >>> 3] >>> (d & 7)) & 1;
            int sign = q[d] > 0 || (q[d] == 0 && f == 1) ? 1 : 0;
            int b = Math.abs(q[d]) << 1 | f;
            magnitudes[i * dim + d] = (byte) b;
            if (sign == 1) {
                signs[i * words + (d >>> 6)] |= 1L << (d & 63);
            } else {
                signs[i * words + (d >>> 6)] &= ~(1L << (d & 63));
            }
            float v = VALUES[sign << 8 | b];
            l1 += Math.abs(v);
            l2 += (double) v * v;
        }
        scales[i] = x.scale();
        factors[i] = l1 == 0 ? 0 : (float) (Math.sqrt(l2) / l1);
    }

    /** The {@link Int8Vector} stored at index {@code i}. */
    static Int8Vector load(long[] signs, byte[] magnitudes, float[] scales, int dim, int i) {
        int words = words(dim);
        byte[] q = new byte[dim];
        byte[] finer = new byte[Int8Vector.finerBytes(dim)];
        for (int d = 0; d < dim; d++) {
            int b = magnitudes[i * dim + d] & 0xFF;
            boolean positive = (signs[i * words + (d >>> 6)] >>> (d & 63) & 1) != 0;
            q[d] = (byte) (positive ? b >>> 1 : -(b >>> 1));
            if ((b & 1) != 0) {
                finer[d >>> 3] |= (byte) (1 << (d & 7));
            }
        }
        return new Int8Vector(q, scales[i], finer);
    }

    /** The float {@code query}'s dot product with the vector stored at index {@code i}: the second pass's score. */
    static float dot(float[] query, long[] signs, byte[] magnitudes, float[] scales, int i) {
        int dim = query.length;
        int words = words(dim);
        int base = i * dim;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        // eight components a step, their sign bits one byte of the code
        for (; d + 8 <= dim; d += 8) {
            int bits = (int) (signs[i * words + (d >>> 6)] >>> (d & 63));
            int m = base + d;
            s0 += query[d] * VALUES[(bits & 1) << 8 | magnitudes[m] & 0xFF]
                    + query[d + 4] * VALUES[(bits & 16) << 4 | magnitudes[m + 4] & 0xFF];
            s1 += query[d + 1] * VALUES[(bits & 2) << 7 | magnitudes[m + 1] & 0xFF]
                    + query[d + 5] * VALUES[(bits & 32) << 3 | magnitudes[m + 5] & 0xFF];
            s2 += query[d + 2] * VALUES[(bits & 4) << 6 | magnitudes[m + 2] & 0xFF]
                    + query[d + 6] * VALUES[(bits & 64) << 2 | magnitudes[m + 6] & 0xFF];
            s3 += query[d + 3] * VALUES[(bits & 8) << 5 | magnitudes[m + 3] & 0xFF]
                    + query[d + 7] * VALUES[(bits & 128) << 1 | magnitudes[m + 7] & 0xFF];
        }
        for (; d < dim; d++) {
            int bit = (int) (signs[i * words + (d >>> 6)] >>> (d & 63)) & 1;
            s0 += query[d] * VALUES[bit << 8 | magnitudes[base + d] & 0xFF];
        }
        return (s0 + s1 + s2 + s3) * scales[i];
    }

    /**
     * The query of the first pass: each component of the unit query rounded to an integer in [-7, 7] (its largest
     * magnitude to 7), as four bit planes of 4-bit two's complement integers ({@link DotKernel#dot}), and their sum.
     */
    record Query(long[] planes, int sum) {

        static Query of(float[] unit) {
            int dim = unit.length;
            int words = words(dim);
            float max = 0;
            for (float v : unit) {
                max = Math.max(max, Math.abs(v));
            }
            long[] planes = new long[4 * words];
            int sum = 0;
            if (max == 0 || !Float.isFinite(max)) {
                return new Query(planes, 0);
            }
            float inverse = 7f / max;
            for (int d = 0; d < dim; d++) {
                int u = Math.max(-7, Math.min(7, Math.round(unit[d] * inverse)));
                sum += u;
                for (int j = 0; j < 4; j++) {
                    if ((u >>> j & 1) != 0) {
                        planes[j * words + (d >>> 6)] |= 1L << (d & 63);
                    }
                }
            }
            return new Query(planes, sum);
        }

        /**
         * The first pass's estimate (up to the query's own scale, the same for every vector) from the kernel's
         * {@code dot} with a code: {@code factor × Σ u[d] (2 b[d] - 1)}.
         */
        float estimate(int dot, float factor) {
            return factor * (2 * dot - sum);
        }
    }
}
