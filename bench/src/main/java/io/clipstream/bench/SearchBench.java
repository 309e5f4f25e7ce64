package io.clipstream.bench;

import io.clipstream.cli.JsonLines;
import io.clipstream.search.DotKernel;
import io.clipstream.search.DotKernels;
import io.clipstream.search.HalfVector;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchEntryCodec;
import io.clipstream.search.SearchHit;
import io.clipstream.search.SearchQuery;
import io.clipstream.search.SearchScan;
import io.clipstream.search.SearchWindow;
import io.clipstream.search.TopLabel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.rocksdb.RocksDBException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench search}: a searchable window filled with synthetic clustered unit vectors as the service keeps them (in
 * memory sign codes and int8 with the finer bit; in a RocksDB store, {@link BenchWindowStore}, the entries with their
 * half-precision vectors, which a search's last step reads back), then top-k queries one after another, timed one by
 * one: queries/s, p50 and p99 per round; recall@k against exact float search over the same vectors for a sample of
 * queries; the vectors' memory, the store's size on disk and what one append costs (entry encoding and the window,
 * not the store write). The last line is one JSON object.
 */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = "Measure /v1/search's scan: queries/s, p50/p99 ms and recall@k over a window of synthetic "
                + "vectors (int8 in memory, half precision in a RocksDB store); last line is JSON.")
final class SearchBench implements Callable<Integer> {
    private static final TopLabel LABEL = new TopLabel("a label", 0.3f, 0.5f);

    @Option(
            names = "--images",
            defaultValue = "1000000",
            description = "Vectors in the window (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--dimension", defaultValue = "512", description = "Vector length (default ${DEFAULT-VALUE}).")
    int dimension;

    @Option(
            names = "--clusters",
            defaultValue = "500",
            description = "Centres the synthetic vectors lie around; fewer means more images near every query "
                    + "(default ${DEFAULT-VALUE}).")
    int clusters;

    @Option(names = "--k", defaultValue = "10", description = "Results per query (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--queries",
            defaultValue = "200",
            description = "Timed queries per round (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of timed queries (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Scan threads; 0 = one per core (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--candidates",
            defaultValue = "" + SearchScan.DEFAULT_CANDIDATES,
            description = "Fewest candidates the sign-code pass keeps for the exact pass (default ${DEFAULT-VALUE}).")
    int candidates;

    @Option(
            names = "--kernel",
            defaultValue = "best",
            description = "First-pass kernel: best (what the service uses: scalar with C2, table without), scalar, "
                    + "table or vector-api (needs java --add-modules jdk.incubator.vector) (default ${DEFAULT-VALUE}).")
    String kernel;

    @Option(
            names = "--recall-sample",
            defaultValue = "20",
            paramLabel = "QUERIES",
            description = "Queries whose results are checked against exact float search (default ${DEFAULT-VALUE}).")
    int recallSample;

    @Override
    public Integer call() throws Exception {
        if (images < 1
                || dimension < 1
                || k < 1
                || queries < 1
                || rounds < 1
                || threads < 0
                || recallSample < 0
                || candidates < 1
                || clusters < 1) {
            throw new IllegalArgumentException("sizes and counts must be positive");
        }
        ClusteredVectors data = new ClusteredVectors(11, dimension, clusters, 1f);
        try (BenchWindowStore store = new BenchWindowStore(Files.createTempDirectory("clipstream-bench-search"))) {
            SearchWindow window = new SearchWindow(store);
            long appendNanos = fill(window, store, data);
            return measure(window, data, appendNanos, store.diskBytes());
        }
    }

    private int measure(SearchWindow window, ClusteredVectors data, long appendNanos, long storeBytes)
            throws InterruptedException {
        int scanThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", "search");
        result.put("images", images);
        result.put("dimension", dimension);
        result.put("clusters", clusters);
        result.put("k", k);
        DotKernel dot = switch (kernel) {
            case "best" -> DotKernels.best();
            case "scalar" -> DotKernels.scalar();
            case "table" -> DotKernels.table();
            case "vector-api" ->
                DotKernels.vectorApi()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "--kernel vector-api needs java --add-modules jdk.incubator.vector and C2"));
            default ->
                throw new IllegalArgumentException("--kernel is best, scalar, table or vector-api, got " + kernel);
        };
        try (SearchScan scan = new SearchScan(dot, scanThreads, candidates)) {
            result.put("kernel", scan.kernel().name());
            result.put("threads", scanThreads);
            result.put("candidates", candidates);
            for (int i = 0; i < 20; i++) {
                search(scan, window, data.get(images + i)); // warm-up: the JIT compiles the scan
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                runs.add(round(scan, window, data, round));
                System.err.println("round " + (round + 1) + ": " + runs.get(round));
            }
            result.put("rounds", runs);
            result.put("recall_at_k", recall(scan, window, data));
        }
        result.put("vector_bytes", SearchWindow.bytesPerVector(dimension));
        result.put("vector_memory_mb", round((double) images * SearchWindow.bytesPerVector(dimension) / (1 << 20)));
        result.put("slot_memory_mb", round((double) images * SearchWindow.SLOT_BYTES / (1 << 20)));
        result.put("store_disk_mb", round((double) storeBytes / (1 << 20)));
        result.put("append_us", round(appendNanos / 1e3 / images));
        result.put("peak_rss_mb", BenchCommand.peakRssMb());
        new JsonLines(System.out).write(result);
        return 0;
    }

    /**
     * Fills the window as the stream does (entry encoded for the store, then appended) and the store; returns the
     * nanoseconds the entries and the window took (the store's writes are not counted).
     */
    private long fill(SearchWindow window, BenchWindowStore store, ClusteredVectors data) throws RocksDBException {
        long spent = 0;
        for (int i = 0; i < images; i++) {
            float[] v = data.get(i);
            long start = System.nanoTime();
            SearchEntry e = new SearchEntry("img-" + i, i, i, "set", List.of(LABEL), Map.of(), HalfVector.of(v));
            SearchEntryCodec.encode(e);
            window.append(i, e);
            spent += System.nanoTime() - start;
            store.put(i, e);
            if ((i + 1) % 200_000 == 0) {
                System.err.println("filled " + (i + 1) + " of " + images);
            }
        }
        store.finish();
        return spent;
    }

    private Map<String, Object> round(SearchScan scan, SearchWindow window, ClusteredVectors data, int round)
            throws InterruptedException {
        double[] ms = new double[queries];
        long start = System.nanoTime();
        for (int q = 0; q < queries; q++) {
            long t = System.nanoTime();
            search(scan, window, data.get(2L * images + (long) round * queries + q));
            ms[q] = (System.nanoTime() - t) / 1e6;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(ms);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("queries_per_s", round(queries / seconds));
        run.put("p50_ms", round(ms[(int) Math.ceil(0.50 * queries) - 1]));
        run.put("p99_ms", round(ms[(int) Math.ceil(0.99 * queries) - 1]));
        run.put("max_ms", round(ms[queries - 1]));
        return run;
    }

    private List<SearchHit> search(SearchScan scan, SearchWindow window, float[] query) throws InterruptedException {
        return scan.search(List.of(window), new SearchQuery(query, k, Long.MIN_VALUE, null, null));
    }

    /** Recall@k of the window's answers against exact float search over the same vectors, regenerated in one pass. */
    private double recall(SearchScan scan, SearchWindow window, ClusteredVectors data) throws InterruptedException {
        if (recallSample == 0) {
            return Double.NaN;
        }
        float[][] sample = new float[recallSample][];
        List<PriorityQueue<long[]>> exact = new ArrayList<>();
        for (int q = 0; q < recallSample; q++) {
            sample[q] = data.get(3L * images + q);
            exact.add(new PriorityQueue<>(
                    (a, b) -> Float.compare(Float.intBitsToFloat((int) a[0]), Float.intBitsToFloat((int) b[0]))));
        }
        IntStream.range(0, images).parallel().forEach(i -> {
            float[] v = data.get(i);
            for (int q = 0; q < recallSample; q++) {
                float s = 0;
                for (int d = 0; d < v.length; d++) {
                    s += v[d] * sample[q][d];
                }
                PriorityQueue<long[]> best = exact.get(q);
                synchronized (best) {
                    best.add(new long[] {Float.floatToIntBits(s), i});
                    if (best.size() > k) {
                        best.poll();
                    }
                }
            }
        });
        int found = 0;
        for (int q = 0; q < recallSample; q++) {
            Set<String> truth = new HashSet<>();
            exact.get(q).forEach(e -> truth.add("img-" + e[1]));
            for (SearchHit h : search(scan, window, sample[q])) {
                found += truth.contains(h.entry().id()) ? 1 : 0;
            }
        }
        return round((double) found / (recallSample * k));
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
