package io.clipstream.bench;

import java.util.SplittableRandom;

/**
 * Synthetic unit vectors the way image embeddings lie: around a few hundred directions (the images' subjects), each
 * vector its centre plus Gaussian noise, normalised. With {@code spread} 1 a vector is as far from its centre as the
 * centres are long, so the ten nearest neighbours of a query differ by small margins: a hard case for quantisation.
 * Vector {@code i} is the same on every call (its noise is seeded by {@code i}), so a benchmark can fill a window
 * and later scan the same vectors in float without holding them.
 */
final class ClusteredVectors {
    private final long seed;
    private final float[][] centres;
    private final float spread;

    ClusteredVectors(long seed, int dimension, int clusters, float spread) {
        this.seed = seed;
        this.spread = spread;
        SplittableRandom random = new SplittableRandom(seed);
        centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int d = 0; d < dimension; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
    }

    int dimension() {
        return centres[0].length;
    }

    /** Vector number {@code i}. */
    float[] get(long i) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        float[] centre = centres[random.nextInt(centres.length)];
        float[] x = new float[centre.length];
        for (int d = 0; d < x.length; d++) {
            x[d] = centre[d] + (float) random.nextGaussian() * spread;
        }
        return unit(x);
    }

    static float[] unit(float[] x) {
        double norm = 0;
        for (float v : x) {
            norm += v * v;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        float[] u = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            u[i] = x[i] * inverse;
        }
        return u;
    }
}
