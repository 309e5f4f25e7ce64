package io.clipstream.search;

/**
 * What to look for in the window.
 *
 * @param vector    the query embedding (normalised here)
 * @param k         how many results
 * @param sinceMs   only images with an event time at or after this (epoch ms; {@code Long.MIN_VALUE}: all)
 * @param labelSet  only images classified with this label set (null: any)
 * @param excludeId leave this image out (the image of a "similar to" query; null: none)
 */
public record SearchQuery(float[] vector, int k, long sinceMs, String labelSet, String excludeId) {
    public SearchQuery {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
    }
}
