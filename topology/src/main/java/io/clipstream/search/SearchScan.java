package io.clipstream.search;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Top-k search over windows by brute force, in two passes. The first reads only the images' sign codes (one bit a
 * component, {@link SignCodes}) and estimates each image's cosine similarity with the query from them; the slots are
 * split evenly over {@code threads} threads (the calling thread scans one part), each keeping its best
 * {@link #candidates} estimates (2,000 for k up to 200). The second pass, on the same thread, scores those candidates
 * with the float query against the window's int8 copies (with the finer bit, see {@link Int8Vector}), good to a few
 * 1e-4. The threads' best {@link #rescored} are merged, and the last step reads those images' half-precision vectors
 * from the store ({@link SearchWindow.StoredVectors}) and ranks them by their cosines with the query, good to a few
 * 1e-5; the best k are returned.
 * <p>
 * What it promises: every result's score is its stored vector's cosine with the query (its int8 copy's when the store
 * cannot be read), and the results are the best k of the candidates under those scores; an image whose sign-code
 * estimate ranks below the candidates, or whose int8 score ranks below the rescored, is missed. That is the
 * approximation, and the benchmark measures its cost as recall@10 against exact float search over the original
 * vectors. Images outside the query's filters (event time, label set) are skipped before their code is read.
 */
public final class SearchScan implements AutoCloseable {
    /** The fewest candidates each thread's first pass keeps for the exact pass (see {@link #candidates}). */
    public static final int DEFAULT_CANDIDATES = 2_000;

    private final DotKernel kernel;
    private final int threads;
    private final int minCandidates;
    private final ExecutorService pool;

    public SearchScan(DotKernel kernel, int threads) {
        this(kernel, threads, DEFAULT_CANDIDATES);
    }

    /** A scan keeping at least {@code minCandidates} for the exact pass (benchmarks vary it). */
    public SearchScan(DotKernel kernel, int threads, int minCandidates) {
        if (minCandidates < 1) {
            throw new IllegalArgumentException("candidates must be at least 1, got " + minCandidates);
        }
        this.kernel = kernel;
        this.threads = Math.max(1, threads);
        this.minCandidates = minCandidates;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, this.threads - 1), r -> {
            Thread t = new Thread(r, "search-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A scan on every core with the plain-Java kernel ({@link DotKernels#best}). */
    public static SearchScan onAllCores() {
        return new SearchScan(DotKernels.best(), Runtime.getRuntime().availableProcessors());
    }

    public DotKernel kernel() {
        return kernel;
    }

    /** The best {@code query.k()} images of {@code windows}, best first. */
    public List<SearchHit> search(List<SearchWindow> windows, SearchQuery query) throws InterruptedException {
        float[] unit = ZeroShotClassifier.normalize(query.vector());
        SignCodes.Query q = SignCodes.Query.of(unit);
        DotKernel.Scorer scorer = kernel.scorer(q.planes());
        List<SearchWindow.Snapshot> snapshots = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        long total = 0;
        for (SearchWindow w : windows) {
            SearchWindow.Snapshot s = w.snapshot();
            int code = query.labelSet() == null ? ANY : s.labelSetCodes().getOrDefault(query.labelSet(), NONE);
            if (s.head() < s.tail() && code != NONE && s.dimension() == unit.length) {
                ranges.add(new Range(snapshots.size(), s, code, s.head(), s.tail()));
                total += s.tail() - s.head();
            }
            snapshots.add(s);
        }
        int keep = candidates(query.k());
        int spare = rescored(query.k());
        List<List<Range>> parts = split(ranges, total);
        List<Future<BestScores>> futures = new ArrayList<>();
        for (int p = 1; p < parts.size(); p++) {
            List<Range> part = parts.get(p);
            futures.add(pool.submit(() -> scan(part, snapshots, unit, q, scorer, query.sinceMs(), keep, spare)));
        }
        BestScores best = new BestScores(spare);
        if (!parts.isEmpty()) {
            best.addAll(scan(parts.get(0), snapshots, unit, q, scorer, query.sinceMs(), keep, spare));
        }
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
        float[] scores = new float[best.size()];
        Integer[] order = new Integer[best.size()];
        for (int i = 0; i < order.length; i++) {
            HalfVector stored = windows.get(best.window(i)).storedVector(best.slot(i));
            scores[i] = stored == null ? best.score(i) : stored.cosine(unit);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        List<SearchHit> hits = new ArrayList<>(query.k());
        for (int j = 0; j < order.length && hits.size() < query.k(); j++) {
            int i = order[j];
            // an image that left the window while this search ran is dropped here, never returned
            windows.get(best.window(i))
                    .entryAt(best.slot(i))
                    .filter(e -> !e.id().equals(query.excludeId()))
                    .ifPresent(e -> hits.add(new SearchHit(e, scores[i])));
        }
        return hits;
    }

    /** Candidates each thread's first pass keeps for the exact pass: 10 k, at least the scan's minimum. */
    int candidates(int k) {
        return Math.max(10 * k, minCandidates);
    }

    /**
     * Images whose stored vectors the last step reads: the best 2 k + 30 int8 scores, at least 50 (the spare ones also
     * cover the excluded image and images that leave while the search runs).
     */
    static int rescored(int k) {
        return Math.max(2 * k + 30, 50);
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

    /**
     * One thread's part: the first pass over its slots keeping the best {@code keep} estimates, then those scored
     * exactly; returns the best {@code spare} exact scores.
     */
    private BestScores scan(
            List<Range> part,
            List<SearchWindow.Snapshot> snapshots,
            float[] unit,
            SignCodes.Query q,
            DotKernel.Scorer scorer,
            long since,
            int keep,
            int spare) {
        BestScores best = new BestScores(keep);
        int words = q.planes().length >>> 2;
        boolean byTime = since != Long.MIN_VALUE;
        for (Range r : part) {
            SearchWindow.Snapshot s = r.snapshot();
            boolean bySet = r.labelSet() != ANY;
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
                            || (bySet && set != r.labelSet())
                            || (byTime && c.eventTimes[i] < since)) {
                        continue;
                    }
                    float score = q.estimate(scorer.dot(c.signs, i * words), c.factors[i]);
                    if (score > best.floor()) {
                        best.offer(score, r.window(), base + i);
                    }
                }
            }
        }
        BestScores exact = new BestScores(spare);
        for (int j = 0; j < best.size(); j++) {
            long slot = best.slot(j);
            SearchWindow.Snapshot s = snapshots.get(best.window(j));
            SearchWindow.Chunk c = s.chunks().get((int) (slot / SearchWindow.CHUNK - s.firstChunk()));
            float score = SignCodes.dot(unit, c.signs, c.magnitudes, c.scales, (int) (slot % SearchWindow.CHUNK));
            exact.offer(score, best.window(j), slot);
        }
        return exact;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
