package io.clipstream.search;

/**
 * A vector stored as int8 with one scale per vector: component i is {@code values[i] * scale}. The scale is the
 * largest magnitude over 127, so every component is rounded to the nearest of 255 levels (symmetric, no -128) and a
 * 512-dimension vector takes 512 bytes and a float instead of 2,048 bytes.
 */
public record Int8Vector(byte[] values, float scale) {

    /** The nearest int8 vector to {@code x}; an all-zero vector gets scale 0. */
    public static Int8Vector of(float[] x) {
        float max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        byte[] q = new byte[x.length];
        if (max == 0 || !Float.isFinite(max)) {
            return new Int8Vector(q, 0);
        }
        float inverse = 127f / max;
        for (int i = 0; i < x.length; i++) {
            q[i] = (byte) Math.round(x[i] * inverse);
        }
        return new Int8Vector(q, max / 127f);
    }

    /** The float vector this stands for. */
    public float[] toFloats() {
        float[] x = new float[values.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = values[i] * scale;
        }
        return x;
    }

    public int dimension() {
        return values.length;
    }
}
