package io.clipstream.topology.images;

/**
 * When a micro-batch goes to the image tower: as soon as {@code size} images are ready, or once the oldest ready
 * image has waited {@code maxWaitMs}. An image is ready when it can join a batch: at once for inline bytes, when its
 * fetch is done for a URL. Pure and clock-driven: the caller passes the time.
 *
 * <p>Kafka Streams reads the clock once per task for a run of records, so a record processed right after a flush
 * carries the time from before that flush, one tower call ago; its wait starts at the next tick instead, or the next
 * tick would flush it at once with whatever else had arrived. Ready images a flush had to leave waiting (behind a
 * fetch of the same key) wait again from that flush.
 */
final class BatchPolicy {
    private static final long UNKNOWN = Long.MIN_VALUE;
    private final int size;
    private final long maxWaitMs;
    private int ready;
    private long oldest = UNKNOWN;
    private long lastFlush = Long.MIN_VALUE;

    BatchPolicy(int size, long maxWaitMs) {
        this.size = size;
        this.maxWaitMs = maxWaitMs;
    }

    /** Ready images found in the buffer at start, the oldest of them arrived at {@code oldestArrival}. */
    void restored(int count, long oldestArrival) {
        ready = count;
        oldest = count > 0 ? oldestArrival : UNKNOWN;
    }

    /** An image became ready at {@code now}; true when the batch is full and should flush now. */
    boolean ready(long now) {
        if (ready == 0) {
            oldest = now > lastFlush ? now : UNKNOWN;
        }
        ready++;
        return ready >= size;
    }

    /** A tick of the wall clock; true when the oldest waiting image has waited long enough. */
    boolean due(long now) {
        if (ready == 0) {
            return false;
        }
        if (oldest == UNKNOWN) {
            oldest = now;
            return false;
        }
        return now - oldest >= maxWaitMs;
    }

    /** A flush began at {@code now}. */
    void flushing(long now) {
        lastFlush = now;
    }

    /** The flush took all but {@code left} ready images. */
    void flushed(int left) {
        ready = left;
        oldest = left > 0 ? lastFlush : UNKNOWN;
    }

    int ready() {
        return ready;
    }
}
