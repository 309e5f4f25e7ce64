package io.clipstream.topology.labelsets;

import java.util.function.LongSupplier;

/**
 * How much of the machine the text tower may take while label sets encode, so that a large set never starves
 * images. A step is what the {@link LabelSetEncoder} does for one set at a time: example batches on the stream
 * thread, text batches on the {@link TextTowerThread}. The rule:
 * <ul>
 *   <li>While images flow (one was read within {@link #IMAGES_FLOWING_NANOS}), a step encodes one text batch and the
 *       next step waits as long as this one took, at most {@link #MAX_PAUSE_NANOS}: label sets get at most half of a
 *       core. A step that took long because the text tower was loaded first does not make the next wait so long
 *       that the tower, idle meanwhile, is freed again.</li>
 *   <li>Otherwise a step encodes text batches for up to {@link #IDLE_STEP_NANOS}, and steps follow each other: a set
 *       is ready in the time the text tower needs for its prompts.</li>
 * </ul>
 * Shared by the tasks of an instance; time comes from {@code clock} (nanoseconds).
 */
public final class TextTowerShare {
    static final long IMAGES_FLOWING_NANOS = 1_000_000_000L;
    static final long IDLE_STEP_NANOS = 500_000_000L;
    static final long MAX_PAUSE_NANOS = 1_000_000_000L;
    private final LongSupplier clock;
    private volatile long lastImage;
    private long nextStep;

    TextTowerShare(LongSupplier clock) {
        this.clock = clock;
        this.lastImage = clock.getAsLong() - 2 * IMAGES_FLOWING_NANOS;
        this.nextStep = clock.getAsLong();
    }

    public static TextTowerShare wallClock() {
        return new TextTowerShare(System::nanoTime);
    }

    long now() {
        return clock.getAsLong();
    }

    /** An image was read. */
    public void imageRead() {
        lastImage = clock.getAsLong();
    }

    boolean imagesFlowing() {
        return clock.getAsLong() - lastImage < IMAGES_FLOWING_NANOS;
    }

    /** Whether a step may start now. */
    synchronized boolean mayStep() {
        return clock.getAsLong() >= nextStep;
    }

    /** Whether a step that started at {@code start} may encode another text batch. */
    boolean mayContinue(long start) {
        return !imagesFlowing() && clock.getAsLong() - start < IDLE_STEP_NANOS;
    }

    /** A step ran from {@code start} until now. */
    synchronized void stepped(long start) {
        long end = clock.getAsLong();
        nextStep = imagesFlowing() ? end + Math.min(end - start, MAX_PAUSE_NANOS) : end;
    }
}
