package io.clipstream.service;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.search.SearchHit;
import io.clipstream.search.SearchQuery;
import io.clipstream.search.SearchScan;
import io.clipstream.search.SearchWindow;
import io.clipstream.search.SearchWindows;
import io.clipstream.topology.TextEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Searches on request over the searchable windows of the tasks this instance runs: a text through the text tower
 * (the last {@value #CACHED_TEXTS} texts' embeddings are kept), an image through the same preparation and image tower
 * as {@code /v1/classify} ({@link QueryBackend}), or the vector of an image already in a window. Every search also
 * asks the other instances ({@link Peers}) for their part; a result is {@code partial} when the windows searched do
 * not cover every partition of the images topic (an instance did not answer in time, or a task is restoring).
 */
public final class SearchBackend {
    static final int CACHED_TEXTS = 256;

    /** What a search gave. */
    public sealed interface Result {
        /** The best images, best first; partial when some partitions' windows were not searched. */
        record Found(List<SearchHit> hits, boolean partial) implements Result {}

        /** The query could not be embedded (a bad image: its dead-letter code; the model failed: MODEL_ERROR). */
        record Rejected(ErrorCode code, String message) implements Result {}

        /** No image with this id in the windows searched. */
        record NotFound(String message) implements Result {}

        /** Not possible right now (the model is busy, search is off); retry later. */
        record Unavailable(String message) implements Result {}
    }

    /** Which images and how many: {@code sinceMs} and {@code labelSet} as in {@link SearchQuery}. */
    public record Filter(int k, long sinceMs, String labelSet) {}

    private final QueryBackend model;
    private final TextEncoder text;
    private final SearchWindows windows;
    private final SearchScan scan;
    private final IntSupplier partitions;
    private final Peers peers;
    private final Map<String, float[]> textCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHED_TEXTS;
        }
    };

    /**
     * {@code partitions}: how many partitions the images topic has (0: unknown, never partial); {@code peers}: the
     * other instances, asked for their part of every search.
     */
    public SearchBackend(
            QueryBackend model,
            TextEncoder text,
            SearchWindows windows,
            SearchScan scan,
            IntSupplier partitions,
            Peers peers) {
        this.model = model;
        this.text = text;
        this.windows = windows;
        this.scan = scan;
        this.partitions = partitions;
        this.peers = peers;
    }

    public Result byText(String query, Filter filter) throws InterruptedException {
        float[] cached;
        synchronized (textCache) {
            cached = textCache.get(query);
        }
        if (cached == null) {
            QueryBackend.Result embedded = model.embedText(text, query);
            if (!(embedded instanceof QueryBackend.Result.Embedded e)) {
                return failed(embedded);
            }
            cached = e.embedding();
            synchronized (textCache) {
                textCache.put(query, cached);
            }
        }
        return byVector(cached, filter, null);
    }

    public Result byImage(byte[] image, String contentType, Filter filter) throws InterruptedException {
        QueryBackend.Result embedded = model.embedImage(image, contentType);
        if (!(embedded instanceof QueryBackend.Result.Embedded e)) {
            return failed(embedded);
        }
        return byVector(e.embedding(), filter, null);
    }

    /** Images like {@code imageId} (itself left out), if a window here or another instance's holds it. */
    public Result similar(String imageId, Filter filter) throws InterruptedException {
        Optional<float[]> vector = localVectorOf(imageId);
        if (vector.isEmpty()) {
            vector = peers.vectorOf(imageId);
        }
        if (vector.isEmpty()) {
            return new Result.NotFound("no image \"" + imageId + "\" in the searchable window");
        }
        return byVector(vector.get(), filter, imageId);
    }

    /** The vector of an image in one of this instance's windows. */
    public Optional<float[]> localVectorOf(String imageId) {
        for (SearchWindow w : windows.all()) {
            Optional<float[]> vector = w.vectorOf(imageId);
            if (vector.isPresent()) {
                return vector;
            }
        }
        return Optional.empty();
    }

    /**
     * The search every kind ends in: this instance's part and the other instances' parts, merged into the best k
     * (an image answered twice, as during a rebalance, counts once); partial unless the parts cover every partition.
     */
    Result byVector(float[] vector, Filter filter, String excludeId) throws InterruptedException {
        Peers.Answer local = searchHere(vector, filter, excludeId);
        Set<Integer> covered = new HashSet<>(local.partitions());
        Map<String, SearchHit> best = new HashMap<>();
        List<Peers.Answer> answers = new ArrayList<>(peers.search(vector, filter, excludeId));
        answers.add(local);
        for (Peers.Answer answer : answers) {
            covered.addAll(answer.partitions());
            for (SearchHit h : answer.hits()) {
                best.merge(h.entry().id(), h, (a, b) -> a.score() >= b.score() ? a : b);
            }
        }
        List<SearchHit> hits = best.values().stream()
                .sorted(Comparator.comparingDouble(SearchHit::score).reversed())
                .limit(filter.k())
                .toList();
        int all = partitions.getAsInt();
        return new Result.Found(hits, all > 0 && covered.size() < all);
    }

    /** This instance's part of a search: its windows' best images and the partitions they hold. */
    public Peers.Answer searchHere(float[] vector, Filter filter, String excludeId) throws InterruptedException {
        Set<Integer> searched = new HashSet<>(windows.partitions());
        List<SearchHit> hits = scan.search(
                windows.all(), new SearchQuery(vector, filter.k(), filter.sinceMs(), filter.labelSet(), excludeId));
        return new Peers.Answer(hits, searched);
    }

    private static Result failed(QueryBackend.Result r) {
        if (r instanceof QueryBackend.Result.Rejected rejected) {
            return new Result.Rejected(rejected.code(), rejected.message());
        }
        if (r instanceof QueryBackend.Result.Unavailable u) {
            return new Result.Unavailable(u.message());
        }
        return new Result.Unavailable("the query could not be embedded: " + r);
    }
}
