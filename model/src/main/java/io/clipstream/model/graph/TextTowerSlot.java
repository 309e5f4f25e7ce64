package io.clipstream.model.graph;

import io.clipstream.model.runtime.NativeHeapTrim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the text tower lives. The image tower runs all the time; the text tower only while label sets encode or a
 * text query comes in. With an idle time and a way to build it again, the slot frees the text tower's weights
 * (about 0.34 GB at full size) once nobody has used it for that long, and builds it again from the checkpoint on the
 * next use. Without, it keeps the tower for good. Thread-safe; a tower in use is never freed.
 */
final class TextTowerSlot implements AutoCloseable {
    /** Builds the text tower again, from the checkpoint. */
    @FunctionalInterface
    interface Loader {
        TowerGraph load() throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TextTowerSlot.class);
    /** How long a tower whose user said it is done may still be taken again before it is freed. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final Loader loader;
    private final Runnable onChange;
    private final long idleNanos;
    private final LongSupplier clock;
    private final ScheduledExecutorService reaper;
    private TowerGraph graph;
    private int users;
    private long lastUse;
    private long lastRelease = Long.MIN_VALUE;
    private long loads;

    private TextTowerSlot(
            TowerGraph graph, Loader loader, Duration idle, LongSupplier clock, boolean reap, Runnable onChange) {
        this.graph = graph;
        this.loader = loader;
        this.onChange = onChange;
        this.idleNanos = idle.toNanos();
        this.clock = clock;
        // A tower built at start (to check the checkpoint) counts as idle already: freed at the first check unless a
        // label set or a query takes it first, so that a restart under a flood of images does not carry it.
        this.lastUse = clock.getAsLong() - idleNanos;
        this.reaper = reap
                ? Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "clipstream-text-tower-idle");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        if (reaper != null) {
            long period = Math.max(Math.min(idleNanos / 4, graceNanos() / 2), TimeUnit.MILLISECONDS.toNanos(100));
            reaper.scheduleWithFixedDelay(() -> unloadIfIdle(), period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** A slot that keeps {@code graph} for good. */
    static TextTowerSlot resident(TowerGraph graph) {
        return new TextTowerSlot(graph, null, Duration.ZERO, System::nanoTime, false, () -> {});
    }

    /**
     * A slot holding {@code graph} now that frees it after {@code idle} unused and loads it again when asked;
     * {@code onChange} runs after each free and each load.
     */
    static TextTowerSlot unloading(TowerGraph graph, Loader loader, Duration idle, Runnable onChange) {
        if (idle.isZero() || idle.isNegative()) {
            return resident(graph);
        }
        return new TextTowerSlot(graph, loader, idle, System::nanoTime, true, onChange);
    }

    /** As {@link #unloading}, on the given clock and without a timer: the caller calls {@link #unloadIfIdle}. */
    static TextTowerSlot unloadingManually(TowerGraph graph, Loader loader, Duration idle, LongSupplier clock) {
        return new TextTowerSlot(graph, loader, idle, clock, false, () -> {});
    }

    /** The tower, loaded first if it was freed; pair every call with {@link #release}. */
    synchronized TowerGraph acquire() {
        if (graph == null) {
            long start = System.nanoTime();
            try {
                graph = loader.load();
            } catch (IOException e) {
                throw new UncheckedIOException("could not load the text tower again from the checkpoint", e);
            }
            loads++;
            LOG.info("text tower loaded again in {} ms", (System.nanoTime() - start) / 1_000_000);
            onChange.run();
        }
        users++;
        return graph;
    }

    synchronized void release() {
        users--;
        lastUse = clock.getAsLong();
        lastRelease = lastUse;
    }

    /**
     * The caller has nothing left for the tower (its label sets are encoded): free it after a short grace
     * ({@link #GRACE}, or the idle time if shorter) instead of the whole idle time, unless somebody uses it
     * meanwhile, which starts the idle time again.
     */
    synchronized void idleNow() {
        if (loader != null) {
            lastUse = Math.min(lastUse, clock.getAsLong() - idleNanos + graceNanos());
        }
    }

    private long graceNanos() {
        return Math.min(idleNanos, GRACE.toNanos());
    }

    /** Frees the tower if it has been idle long enough; true if it did. */
    synchronized boolean unloadIfIdle() {
        if (graph == null || loader == null || users > 0 || clock.getAsLong() - lastUse < idleNanos) {
            return false;
        }
        graph.close();
        graph = null;
        if (NativeHeapTrim.available()) {
            NativeHeapTrim.run();
        }
        if (lastRelease == Long.MIN_VALUE) {
            LOG.info("text tower freed: not used since it was built");
        } else {
            LOG.info("text tower freed, {} ms after its last use", (clock.getAsLong() - lastRelease) / 1_000_000L);
        }
        onChange.run();
        return true;
    }

    synchronized boolean loaded() {
        return graph != null;
    }

    /** How many times the tower was built again after being freed. */
    synchronized long reloads() {
        return loads;
    }

    @Override
    public void close() {
        if (reaper != null) {
            reaper.shutdownNow();
        }
    }
}
