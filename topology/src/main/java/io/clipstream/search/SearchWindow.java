package io.clipstream.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One task's searchable images in memory, oldest first, rebuilt from its store after a restart. Images occupy
 * consecutive slots in chunks of {@value #CHUNK} (the vectors as {@link SignCodes} lays them out, an event time and
 * a label-set code each); the oldest leave first, and a chunk is dropped once all its images have left. An image id appears
 * once: a newer image with the same id replaces the older one.
 * <p>
 * One writer (the task's stream thread) and any number of searches: the writer appends only past the published
 * end and changes earlier slots only to mark them gone, so a search reads a {@link Snapshot} without holding the
 * lock; results are checked against the window again when they are read out, and an image that has left is
 * never returned.
 * <p>
 * The window holds its vectors only as compactly as a scan needs; the store keeps each in half precision, and a
 * window made with a {@link StoredVectors} reads those back for a search's last step and for {@link #vectorOf}.
 */
public final class SearchWindow {
    static final int CHUNK = 1 << 14;
    /** Bytes a slot spends besides its vector ({@link #bytesPerVector}): event time, label set, store key, entry reference. */
    public static final int SLOT_BYTES = Long.BYTES + Integer.BYTES + Long.BYTES + Integer.BYTES;
    /** Label-set code of a slot whose image has left (replaced by a newer one with its id). */
    static final int GONE = -1;

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Chunk> chunks = new ArrayList<>();
    private final Map<String, Long> slotOfId = new HashMap<>();
    private final Map<String, Integer> labelSetCodes = new HashMap<>();
    private final List<String> labelSets = new ArrayList<>();
    private int dimension = -1;
    private long firstChunk;
    private long head;
    private long tail;
    private int live;
    private final StoredVectors stored;

    /** Where a window reads its images' half-precision vectors back by store key. */
    @FunctionalInterface
    public interface StoredVectors {
        /** The stored vector of the image under {@code key}, or null when it cannot be read now. */
        HalfVector read(long key);

        StoredVectors NONE = key -> null;
    }

    /** A window that has only its own int8 copies of the vectors. */
    public SearchWindow() {
        this(StoredVectors.NONE);
    }

    /** A window that reads its images' stored vectors from {@code stored}. */
    public SearchWindow(StoredVectors stored) {
        this.stored = stored;
    }

    /**
     * Chunk of consecutive slots; only written at slots past the published end, or to mark a slot gone. The vectors
     * are held as {@link SignCodes} describes.
     */
    static final class Chunk {
        final long[] signs;
        final byte[] magnitudes;
        final float[] scales = new float[CHUNK];
        final float[] factors = new float[CHUNK];
        final long[] eventTimes = new long[CHUNK];
        final int[] labelSets = new int[CHUNK];
        final long[] keys = new long[CHUNK];
        final SearchEntry[] entries = new SearchEntry[CHUNK];

        Chunk(int dimension) {
            signs = new long[CHUNK * SignCodes.words(dimension)];
            magnitudes = new byte[CHUNK * dimension];
        }
    }

    /** What a search scans: slots {@code [head, tail)} of the chunks, the first being number {@code firstChunk}. */
    record Snapshot(
            List<Chunk> chunks,
            long firstChunk,
            long head,
            long tail,
            int dimension,
            Map<String, Integer> labelSetCodes) {}

    /**
     * Adds an image under its store key; returns the store key of the image it replaces (same id), or -1. An entry
     * whose vector has another dimension than the window's is not added (and -1 returned).
     */
    public long append(long key, SearchEntry entry) {
        lock.lock();
        try {
            int dim = entry.vector().dimension();
            if (dimension < 0) {
                dimension = dim;
            } else if (dim != dimension) {
                return -1;
            }
            long replaced = -1;
            Long previous = slotOfId.get(entry.id());
            if (previous != null && previous >= head) {
                Chunk c = chunkOf(previous);
                int i = (int) (previous & (CHUNK - 1));
                replaced = c.keys[i];
                c.labelSets[i] = GONE;
                c.entries[i] = null;
                live--;
            }
            long slot = tail;
            if (slot - firstChunk * CHUNK >= (long) chunks.size() * CHUNK) {
                if (chunks.isEmpty()) {
                    firstChunk = slot / CHUNK;
                }
                chunks.add(new Chunk(dimension));
            }
            Chunk c = chunkOf(slot);
            int i = (int) (slot & (CHUNK - 1));
            SignCodes.store(Int8Vector.of(entry.vector().toFloats()), c.signs, c.magnitudes, c.scales, c.factors, i);
            c.eventTimes[i] = entry.eventTime();
            c.labelSets[i] = code(entry.labelSet());
            c.keys[i] = key;
            c.entries[i] = entry.withoutVector();
            slotOfId.put(entry.id(), slot);
            tail = slot + 1;
            live++;
            return replaced;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets the oldest images leave while more than {@code maxImages} are held or they were classified more than
     * {@code retention} before {@code nowMs}; returns the store keys of those that left.
     */
    public List<Long> evict(long nowMs, Duration retention, int maxImages) {
        List<Long> left = new ArrayList<>();
        lock.lock();
        try {
            long oldestKept = nowMs - retention.toMillis();
            while (head < tail) {
                Chunk c = chunkOf(head);
                int i = (int) (head & (CHUNK - 1));
                SearchEntry e = c.entries[i];
                if (e != null && live <= maxImages && e.enteredMs() >= oldestKept) {
                    break;
                }
                if (e != null) {
                    left.add(c.keys[i]);
                    c.labelSets[i] = GONE;
                    c.entries[i] = null;
                    slotOfId.remove(e.id());
                    live--;
                }
                head++;
                if (head % CHUNK == 0 || head == tail) {
                    dropPassedChunks();
                }
            }
            return left;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Bytes one image's vector takes in a window of {@code dimension}-component vectors: at 512, 64 of sign code,
     * 512 of int8 magnitudes with the finer bits, a scale and a sign factor (584); {@link #SLOT_BYTES} more for the
     * slot, and the entry (id, labels, attributes) on the heap besides.
     */
    public static long bytesPerVector(int dimension) {
        return SignCodes.bytesPerVector(dimension);
    }

    /** The images held. */
    public int size() {
        lock.lock();
        try {
            return live;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The float vector of the image with this id, if the window holds it: the stored half-precision vector, or the
     * window's int8 copy when the store cannot be read.
     */
    public Optional<float[]> vectorOf(String id) {
        long key;
        float[] approximate;
        lock.lock();
        try {
            Long slot = slotOfId.get(id);
            if (slot == null || slot < head) {
                return Optional.empty();
            }
            Chunk c = chunkOf(slot);
            int i = (int) (slot & (CHUNK - 1));
            key = c.keys[i];
            approximate = SignCodes.load(c.signs, c.magnitudes, c.scales, dimension, i)
                    .toFloats();
        } finally {
            lock.unlock();
        }
        HalfVector exact = stored.read(key);
        return Optional.of(exact != null && exact.dimension() == approximate.length ? exact.toFloats() : approximate);
    }

    /**
     * The stored vector of the image at {@code slot} while it is in the window (a search's last step), or null when
     * it has left or the store cannot give it.
     */
    HalfVector storedVector(long slot) {
        long key;
        lock.lock();
        try {
            if (slot < head || slot >= tail) {
                return null;
            }
            Chunk c = chunkOf(slot);
            int i = (int) (slot & (CHUNK - 1));
            if (c.labelSets[i] == GONE) {
                return null;
            }
            key = c.keys[i];
        } finally {
            lock.unlock();
        }
        HalfVector v = stored.read(key);
        return v != null && v.dimension() == dimension ? v : null;
    }

    Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(List.copyOf(chunks), firstChunk, head, tail, dimension, Map.copyOf(labelSetCodes));
        } finally {
            lock.unlock();
        }
    }

    /** The entry at {@code slot} if its image is still here (a search's result, read out). */
    Optional<SearchEntry> entryAt(long slot) {
        lock.lock();
        try {
            if (slot < head || slot >= tail) {
                return Optional.empty();
            }
            return Optional.ofNullable(chunkOf(slot).entries[(int) (slot & (CHUNK - 1))]);
        } finally {
            lock.unlock();
        }
    }

    private Chunk chunkOf(long slot) {
        return chunks.get((int) (slot / CHUNK - firstChunk));
    }

    private void dropPassedChunks() {
        while (!chunks.isEmpty() && (firstChunk + 1) * CHUNK <= head) {
            chunks.remove(0);
            firstChunk++;
        }
        if (head == tail) {
            chunks.clear();
            firstChunk = tail / CHUNK;
        }
    }

    private int code(String labelSet) {
        Integer code = labelSetCodes.get(labelSet);
        if (code == null) {
            code = labelSets.size();
            labelSets.add(labelSet);
            labelSetCodes.put(labelSet, code);
        }
        return code;
    }
}
