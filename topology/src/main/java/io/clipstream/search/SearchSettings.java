package io.clipstream.search;

import java.time.Duration;

/**
 * The searchable window's settings.
 *
 * @param enabled   keep a window of image embeddings per task (and answer searches from it)
 * @param retention an image leaves the window this long after it was classified
 * @param maxImages ... or when its task's window holds more images than this (the oldest leave first)
 */
public record SearchSettings(boolean enabled, Duration retention, int maxImages) {
    /** One day, 100,000 images a task: ≈ 58 MB of vectors and 2.4 MB of slots, plus the entries' ids, labels and attributes. */
    public static final SearchSettings DEFAULTS = new SearchSettings(true, Duration.ofDays(1), 100_000);

    public SearchSettings {
        if (retention.isNegative() || retention.isZero() || maxImages < 1) {
            throw new IllegalArgumentException("search retention and max images must be positive");
        }
    }

    public static SearchSettings disabled() {
        return new SearchSettings(false, DEFAULTS.retention, DEFAULTS.maxImages);
    }
}
