package io.clipstream.model.runtime;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the off-heap memory that SameDiff inferences leave to the garbage collector from piling up.
 *
 * <p>Each inference leaves ND4J buffers behind (op outputs, shape buffers, views) whose native memory is freed
 * only when the collector finds their small Java wrappers. Wrappers that reach the old generation wait for a full
 * collection, which a service with a quiet heap may not run for many minutes (docs/nd4j.md#memory). Checked
 * after every inference, this asks for a collection when the
 * process's resident set is above its limit (at most once per {@value #MIN_INTERVAL_NANOS} ns), and at the first
 * inference at least {@value #TRIM_DELAY_NANOS} ns later, once ND4J's deallocator threads have freed what the
 * collection found, hands the C allocator's free pages back to the system ({@code malloc_trim}), so resident
 * memory drops instead of staying at its high-water mark.
 *
 * <p>The limit is either given, or automatic: the resident set after the first inference plus a headroom of an
 * eighth of it (at least 128 MB), moved up to the resident set after a trim plus its headroom when that is higher
 * (the service holds more for good, e.g. a larger batch). When what the process holds for good changes (a tower
 * freed or built again: {@link #holdingsChanged}), the next inference collects and trims at once and the automatic
 * limit is derived afresh from what is left, down as well as up. A given limit stays; if even a trim cannot bring
 * memory under it, that is logged once.
 */
public final class ResidentMemoryGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ResidentMemoryGuard.class);
    static final long MIN_HEADROOM = 128L << 20;
    static final long MIN_INTERVAL_NANOS = 10_000_000_000L;
    static final long TRIM_DELAY_NANOS = 200_000_000L;

    /** What the guard reads and does to the process; {@link #PROCESS} is the real one. */
    interface NativeHeap {
        long resident();

        void collect();

        void trim();
    }

    static final NativeHeap PROCESS = new NativeHeap() {
        @Override
        public long resident() {
            return Pointer.physicalBytes();
        }

        @Override
        public void collect() {
            System.gc();
        }

        @Override
        public void trim() {
            NativeHeapTrim.run();
        }
    };

    private final NativeHeap heap;
    private boolean automatic = true;
    private long limit;
    private long lastCollection;
    private long collections;
    private boolean trimDue;
    private boolean rebaseDue;
    private boolean rebasing;
    private boolean warned;

    public ResidentMemoryGuard() {
        this(PROCESS);
    }

    ResidentMemoryGuard(NativeHeap heap) {
        this.heap = heap;
    }

    /** The automatic limit for a process holding {@code resident} bytes it needs. */
    static long automaticLimit(long resident) {
        return resident + Math.max(MIN_HEADROOM, resident / 8);
    }

    /** A fixed limit in bytes instead of the automatic one; 0 goes back to automatic. */
    public synchronized void limit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("resident memory limit must be >= 0, got " + bytes);
        }
        automatic = bytes == 0;
        limit = bytes;
    }

    synchronized long limit() {
        return limit;
    }

    public synchronized long collections() {
        return collections;
    }

    /**
     * What the process holds for good has changed (a tower freed or built): with an automatic limit, the next
     * inference collects and trims, and the limit becomes what is then resident plus its headroom.
     */
    public synchronized void holdingsChanged() {
        if (automatic && limit > 0) {
            rebaseDue = true;
        }
    }

    /** Called after each inference, with the time from {@link System#nanoTime()}. */
    public synchronized void afterInference(long nanoTime) {
        if (trimDue) {
            if (nanoTime - lastCollection >= TRIM_DELAY_NANOS) {
                trim();
            }
            return;
        }
        if (rebaseDue) {
            rebaseDue = false;
            rebasing = true;
            collect(nanoTime, heap.resident());
            return;
        }
        long now = heap.resident();
        if (limit == 0) {
            limit = automaticLimit(now);
            LOG.info(
                    "resident memory {} MB after the first inference: ND4J's garbage is collected above {} MB",
                    now >> 20,
                    limit >> 20);
            return;
        }
        if (now <= limit || (collections > 0 && nanoTime - lastCollection < MIN_INTERVAL_NANOS)) {
            return;
        }
        collect(nanoTime, now);
    }

    private void collect(long nanoTime, long now) {
        long start = System.nanoTime();
        heap.collect();
        lastCollection = nanoTime;
        collections++;
        trimDue = true;
        LOG.info(
                "resident memory {} MB {} the {} MB limit: collected ND4J's unreachable arrays in {} ms ({} so far)",
                now >> 20,
                rebasing ? "(a tower freed or built; limit to be derived again from)" : "over",
                limit >> 20,
                (System.nanoTime() - start) / 1_000_000,
                collections);
    }

    private void trim() {
        trimDue = false;
        long before = heap.resident();
        heap.trim();
        long after = heap.resident();
        if (automatic) {
            limit = rebasing ? automaticLimit(after) : Math.max(limit, automaticLimit(after));
        }
        rebasing = false;
        LOG.info(
                "freed pages returned to the system: resident memory {} -> {} MB; limit {} MB",
                before >> 20,
                after >> 20,
                limit >> 20);
        if (!automatic && after > limit && !warned) {
            warned = true;
            LOG.warn(
                    "resident memory is {} MB after a collection and trim, above memory.max.resident.mb = {}: the "
                            + "service will collect every 10 s; raise the limit",
                    after >> 20,
                    limit >> 20);
        }
    }
}
