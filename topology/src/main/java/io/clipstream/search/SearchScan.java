package io.clipstream.search;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Top-k search over int8 windows by brute force, in two passes. The scan: every image's int8 dot product with the
 * int8 query, times both scales, estimates its cosine similarity (the vectors are unit length); the slots are split
 * evenly over {@code threads} threads, each keeping its best {@link #candidates}, merged at the end. The rerank:
 * those candidates are scored again with the float query against their stored vectors with the finer bit (see
 * {@link Int8Vector}), so neither the query's own rounding nor the int8 step decides the order. Images outside the query's
 * filters (event time, label set, the excluded id) are skipped before their vector is read.
 */
public final class SearchScan implements AutoCloseable {
    private final DotKernel kernel;
    private final int threads;
    private final ExecutorService pool;

    public SearchScan(DotKernel kernel, int threads) {
        this.kernel = kernel;
        this.threads = Math.max(1, threads);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "search-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A scan on every core with the best kernel this JVM has. */
    public static SearchScan onAllCores() {
        return new SearchScan(DotKernels.best(), Runtime.getRuntime().availableProcessors());
    }

    public DotKernel kernel() {
        return kernel;
    }

    /** The best {@code query.k()} images of {@code windows}, best first. */
    public List<SearchHit> search(List<SearchWindow> windows, SearchQuery query) throws InterruptedException {
        Int8Vector q = Int8Vector.of(query.vector());
        List<SearchWindow.Snapshot> snapshots = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        long total = 0;
        for (SearchWindow w : windows) {
            SearchWindow.Snapshot s = w.snapshot();
            int code = query.labelSet() == null ? ANY : s.labelSetCodes().getOrDefault(query.labelSet(), NONE);
            if (s.head() < s.tail() && code != NONE && s.dimension() == q.dimension()) {
                ranges.add(new Range(snapshots.size(), s, code, s.head(), s.tail()));
                total += s.tail() - s.head();
            }
            snapshots.add(s);
        }
        int keep = candidates(query.k());
        List<List<Range>> parts = split(ranges, total);
        List<Future<BestScores>> futures = new ArrayList<>();
        for (List<Range> part : parts) {
            futures.add(pool.submit(() -> scan(part, q, query, keep)));
        }
        BestScores best = new BestScores(keep);
        try {
            for (Future<BestScores> f : futures) {
                best.addAll(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("search scan failed", e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        float[] unit = ZeroShotClassifier.normalize(query.vector());
        List<SearchHit> hits = new ArrayList<>();
        for (int i = 0; i < best.size(); i++) {
            // an image that left the window while this search ran is dropped here, never returned
            Optional<SearchEntry> entry = windows.get(best.window(i)).entryAt(best.slot(i));
            float score = rescore(unit, snapshots.get(best.window(i)), best.slot(i));
            entry.filter(e -> !e.id().equals(query.excludeId())).ifPresent(e -> hits.add(new SearchHit(e, score)));
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return hits.size() > query.k() ? List.copyOf(hits.subList(0, query.k())) : hits;
    }

    /** Candidates kept by the int8 pass for the float rerank: 10 k, at least k + 100. */
    static int candidates(int k) {
        return Math.max(10 * k, k + 100);
    }

    /** The float query's dot product with the stored vector at {@code slot}, its finer bits included. */
    private static float rescore(float[] query, SearchWindow.Snapshot s, long slot) {
        SearchWindow.Chunk c = s.chunks().get((int) (slot / SearchWindow.CHUNK - s.firstChunk()));
        int i = (int) (slot % SearchWindow.CHUNK);
        int offset = i * query.length;
        int finerOffset = i * Int8Vector.finerBytes(query.length);
        float sum = 0;
        for (int d = 0; d < query.length; d++) {
            sum += query[d] * Int8Vector.component(c.vectors, c.finer, offset, finerOffset, d);
        }
        return sum * c.scales[i];
    }

    private static final int ANY = -2;
    private static final int NONE = -3;

    /** Slots {@code [from, to)} of one window's snapshot, {@code labelSet} the code to match (or ANY). */
    private record Range(int window, SearchWindow.Snapshot snapshot, int labelSet, long from, long to) {}

    /** The ranges cut into {@link #threads} parts of about {@code total / threads} slots each. */
    private List<List<Range>> split(List<Range> ranges, long total) {
        long per = Math.max(SearchWindow.CHUNK, (total + threads - 1) / threads);
        List<List<Range>> parts = new ArrayList<>();
        List<Range> part = new ArrayList<>();
        long inPart = 0;
        for (Range r : ranges) {
            long from = r.from();
            while (from < r.to()) {
                long to = Math.min(r.to(), from + (per - inPart));
                part.add(new Range(r.window(), r.snapshot(), r.labelSet(), from, to));
                inPart += to - from;
                from = to;
                if (inPart == per) {
                    parts.add(part);
                    part = new ArrayList<>();
                    inPart = 0;
                }
            }
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    private BestScores scan(List<Range> part, Int8Vector q, SearchQuery query, int keep) {
        BestScores best = new BestScores(keep);
        byte[] qv = q.values();
        int dim = qv.length;
        long since = query.sinceMs();
        for (Range r : part) {
            SearchWindow.Snapshot s = r.snapshot();
            long slot = r.from();
            while (slot < r.to()) {
                SearchWindow.Chunk c = s.chunks().get((int) (slot / SearchWindow.CHUNK - s.firstChunk()));
                int i = (int) (slot % SearchWindow.CHUNK);
                int end = (int) Math.min(SearchWindow.CHUNK, i + (r.to() - slot));
                long base = slot - i;
                slot = base + end;
                for (; i < end; i++) {
                    int set = c.labelSets[i];
                    if (set == SearchWindow.GONE
                            || (r.labelSet() != ANY && set != r.labelSet())
                            || c.eventTimes[i] < since) {
                        continue;
                    }
                    float score = kernel.dot(qv, c.vectors, i * dim) * c.scales[i];
                    if (score > best.floor()) {
                        best.offer(score, r.window(), base + i);
                    }
                }
            }
        }
        return best;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
