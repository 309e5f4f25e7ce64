package io.clipstream.search;

import java.util.Random;

/**
 * Unit vectors the way image embeddings lie: around a few hundred directions (the images' subjects), each point its
 * centre plus Gaussian noise, normalised. With {@code spread} 1 a point is as far from its centre as the centres are
 * from each other's noise, so the ten nearest neighbours of a query differ by small margins: a hard case for
 * quantisation.
 */
final class ClusteredVectors {
    private final Random random;
    private final float[][] centres;
    private final float spread;

    ClusteredVectors(long seed, int dimension, int clusters, float spread) {
        random = new Random(seed);
        this.spread = spread;
        centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = gaussian(dimension, 1f);
        }
    }

    float[] next() {
        float[] centre = centres[random.nextInt(centres.length)];
        float[] noise = gaussian(centre.length, spread);
        float[] x = new float[centre.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = centre[i] + noise[i];
        }
        return unit(x);
    }

    private float[] gaussian(int n, float sigma) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * sigma;
        }
        return x;
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
