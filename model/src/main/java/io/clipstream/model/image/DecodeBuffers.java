package io.clipstream.model.image;

import java.util.ArrayDeque;

/**
 * The two large arrays of decoding one image, kept for the next image: the reader's sample bytes and the packed
 * pixels. A 640x480 photo needs 0.9 MB and 1.2 MB, each more than half a 1 MB heap region, so without reuse every
 * image costs the garbage collector two humongous allocations (docs/nd4j.md#memory).
 *
 * <p>The sample array is reused whenever it is large enough; the pixel array only for an image of the same pixel
 * count, since {@link DecodedImage} holds exactly its pixels. Arrays for images over {@link #RETAINED_PIXELS} are
 * not kept. Not thread-safe: a {@link Pool} hands each set to one decoding at a time.
 */
final class DecodeBuffers {
    /** 2,097,152 pixels: buffers for up to 1920x1080 are kept, at most 16 MB a set. */
    static final int RETAINED_PIXELS = 1 << 21;

    private byte[] samples;
    private int[] pixels;

    /** A byte array of at least {@code length} (any longer array is reused as it is). */
    byte[] samples(int length) {
        if (samples == null || samples.length < length) {
            samples = new byte[length];
        }
        return samples;
    }

    /** An int array of exactly {@code count}. */
    int[] pixels(int count) {
        if (pixels == null || pixels.length != count) {
            pixels = new int[count];
        }
        return pixels;
    }

    /** Lets go of arrays sized for an image over {@link #RETAINED_PIXELS}. */
    private void trim() {
        if (samples != null && samples.length > 4L * RETAINED_PIXELS) {
            samples = null;
        }
        if (pixels != null && pixels.length > RETAINED_PIXELS) {
            pixels = null;
        }
    }

    /** At most {@code capacity} idle sets, handed out one decoding at a time; a new set when none is idle. */
    static final class Pool {
        private final int capacity;
        private final ArrayDeque<DecodeBuffers> idle = new ArrayDeque<>();

        Pool(int capacity) {
            this.capacity = capacity;
        }

        synchronized DecodeBuffers take() {
            DecodeBuffers b = idle.pollFirst();
            return b != null ? b : new DecodeBuffers();
        }

        /** Returns a set no decoded image uses any more. */
        synchronized void give(DecodeBuffers b) {
            b.trim();
            if (idle.size() < capacity) {
                idle.addFirst(b);
            }
        }

        synchronized int idle() {
            return idle.size();
        }
    }
}
