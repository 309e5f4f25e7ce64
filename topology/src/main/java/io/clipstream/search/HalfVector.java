package io.clipstream.search;

/**
 * A vector stored as IEEE 754 half-precision floats (binary16), the window store's form: 2 bytes a component, 11
 * significant bits. A unit vector of CLIP's 512 components keeps its cosines with any query to a few 1e-5, which is
 * what a search's last step ranks by (the window's int8 copy is good to a few 1e-4; see {@link SearchScan}).
 * Conversion rounds to nearest, ties to even, as {@code Float.floatToFloat16} of later JDKs does; values beyond the
 * half range become infinities and NaN stays NaN.
 */
public record HalfVector(short[] bits) {

    /** The nearest half-precision vector to {@code x}. */
    public static HalfVector of(float[] x) {
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = toHalf(x[i]);
        }
        return new HalfVector(h);
    }

    /** The float vector this stands for (exactly: every half is a float). */
    public float[] toFloats() {
        float[] x = new float[bits.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = toFloat(bits[i]);
        }
        return x;
    }

    public int dimension() {
        return bits.length;
    }

    /** {@code q · this / |this|}: the cosine with a unit query (0 for an all-zero vector). */
    public float cosine(float[] unitQuery) {
        double dot = 0;
        double norm = 0;
        for (int i = 0; i < bits.length; i++) {
            double v = toFloat(bits[i]);
            dot += v * unitQuery[i];
            norm += v * v;
        }
        return norm == 0 ? 0 : (float) (dot / Math.sqrt(norm));
    }

    /** The half nearest to {@code f}, ties to even. */
    static short toHalf(float f) {
        int b = Float.floatToRawIntBits(f);
        int sign = (b >>> 16) & 0x8000;
        int exponent = (b >>> 23) & 0xff;
        int mantissa = b & 0x7f_ffff;
        if (exponent == 0xff) { // infinity or NaN (NaN keeps a set quiet bit)
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int e = exponent - 127 + 15; // the half's biased exponent
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) { // a subnormal half, or zero
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x80_0000; // the implicit bit made explicit
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry into the exponent is right, up to infinity
        }
        return (short) (sign | half);
    }

    /** The float equal to half {@code h}. */
    static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f;
            return sign == 0 ? subnormal : -subnormal;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}
