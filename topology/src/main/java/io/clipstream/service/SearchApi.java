package io.clipstream.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchHit;
import io.clipstream.search.TopLabel;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The search routes of the query API, JSON out:
 * <ul>
 *   <li>{@code GET /v1/search?q=TEXT[&k=10][&since=DURATION|ISO-8601][&labelSet=ID]}: by text;</li>
 *   <li>{@code POST /v1/search?[k=10][&since=…][&labelSet=ID]}, an image as the body: by image;</li>
 *   <li>{@code GET /v1/similar/{imageId}[?k=10][&since=…][&labelSet=ID]}: like an image in the window.</li>
 * </ul>
 * Answer: {@code {"query": …, "results": [{"id", "score", "eventTime", "labelSet", "top": [{"label", "similarity",
 * "probability"}], "attributes": {…}}], "partial": false}}. Bounds: k from 1 to {@value #MAX_K}, a text of at most
 * {@value #MAX_TEXT_CHARS} characters, ids and label sets of at most {@value QueryApi#MAX_ID_CHARS}, the body as
 * {@code /v1/classify}'s; a search takes one of the query API's admissions ({@link QueryApi#ADMITTED}) while it runs.
 */
final class SearchApi {
    static final int MAX_K = 1000;
    static final int DEFAULT_K = 10;
    static final int MAX_TEXT_CHARS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SearchBackend backend;
    private final PeerApi peers;
    private final Semaphore admitted;
    private final long maxImageBytes;

    SearchApi(SearchBackend backend, Semaphore admitted, long maxImageBytes) {
        this.backend = backend;
        this.peers = new PeerApi(backend);
        this.admitted = admitted;
        this.maxImageBytes = maxImageBytes;
    }

    void handle(HttpExchange ex, String path) throws IOException {
        if (path.startsWith("/v1/internal/")) {
            // another instance's part of a search: not admitted against this instance's own queries, which wait for it
            try {
                peers.handle(ex, path);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                QueryApi.unavailable(ex, "shutting down");
            }
            return;
        }
        String method = ex.getRequestMethod();
        boolean similar = path.startsWith("/v1/similar/");
        if (!(method.equals("GET") || method.equals("POST") && !similar)) {
            ex.getResponseHeaders().set("Allow", similar ? "GET" : "GET, POST");
            QueryApi.error(ex, 405, "method not allowed: GET with q=TEXT, or POST an image", null);
            return;
        }
        Map<String, String> params = QueryApi.query(ex.getRequestURI().getRawQuery());
        SearchBackend.Filter filter = new SearchBackend.Filter(
                k(params.get("k")), since(params.get("since")), labelSet(params.get("labelSet")));
        ObjectNode query = JSON.createObjectNode();
        String text = null;
        String imageId = null;
        if (similar) {
            imageId = URLDecoder.decode(path.substring("/v1/similar/".length()), StandardCharsets.UTF_8);
            if (imageId.isEmpty() || imageId.length() > QueryApi.MAX_ID_CHARS) {
                throw new QueryApi.BadRequest("the image id is 1 to " + QueryApi.MAX_ID_CHARS + " characters");
            }
            query.put("similarTo", imageId);
        } else if (method.equals("GET")) {
            text = params.get("q");
            if (text == null || text.isBlank() || text.length() > MAX_TEXT_CHARS) {
                throw new QueryApi.BadRequest("q is required: a text of 1 to " + MAX_TEXT_CHARS + " characters "
                        + "(or POST an image to /v1/search)");
            }
            query.put("text", text);
        }
        query.put("k", filter.k());
        if (filter.sinceMs() != Long.MIN_VALUE) {
            query.put("since", Instant.ofEpochMilli(filter.sinceMs()).toString());
        }
        if (filter.labelSet() != null) {
            query.put("labelSet", filter.labelSet());
        }
        if (!admitted.tryAcquire()) {
            QueryApi.unavailable(ex, QueryApi.ADMITTED + " queries are under way; retry later");
            return;
        }
        try {
            SearchBackend.Result result;
            if (imageId != null) {
                result = backend.similar(imageId, filter);
            } else if (text != null) {
                result = backend.byText(text, filter);
            } else {
                byte[] image = QueryApi.image(ex, maxImageBytes);
                if (image == null) {
                    return;
                }
                query.putObject("image").put("bytes", image.length);
                result = backend.byImage(image, QueryApi.contentType(ex), filter);
            }
            answer(ex, query, result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            QueryApi.unavailable(ex, "shutting down");
        } finally {
            admitted.release();
        }
    }

    private static void answer(HttpExchange ex, ObjectNode query, SearchBackend.Result result) throws IOException {
        if (result instanceof SearchBackend.Result.Found found) {
            ObjectNode body = JSON.createObjectNode();
            body.set("query", query);
            ArrayNode results = body.putArray("results");
            found.hits().forEach(h -> results.add(hit(h)));
            body.put("partial", found.partial());
            QueryApi.send(ex, 200, body.toString());
        } else if (result instanceof SearchBackend.Result.Rejected r) {
            QueryApi.error(ex, r.code() == ErrorCode.MODEL_ERROR ? 500 : 400, r.message(), r.code());
        } else if (result instanceof SearchBackend.Result.NotFound n) {
            QueryApi.error(ex, 404, n.message(), null);
        } else {
            QueryApi.unavailable(ex, ((SearchBackend.Result.Unavailable) result).message());
        }
    }

    static ObjectNode hit(SearchHit hit) {
        SearchEntry e = hit.entry();
        ObjectNode node = JSON.createObjectNode()
                .put("id", e.id())
                .put("score", hit.score())
                .put("eventTime", Instant.ofEpochMilli(e.eventTime()).toString())
                .put("labelSet", e.labelSet());
        ArrayNode top = node.putArray("top");
        for (TopLabel t : e.top()) {
            top.addObject()
                    .put("label", t.label())
                    .put("similarity", t.similarity())
                    .put("probability", t.probability());
        }
        ObjectNode attributes = node.putObject("attributes");
        e.attributes().forEach(attributes::put);
        return node;
    }

    static int k(String text) {
        if (text == null) {
            return DEFAULT_K;
        }
        try {
            int k = Integer.parseInt(text);
            if (k >= 1 && k <= MAX_K) {
                return k;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new QueryApi.BadRequest("k must be a whole number from 1 to " + MAX_K);
    }

    /** {@code since}: a duration back from now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, {@code PT1H}) or an instant. */
    static long since(String text) {
        if (text == null || text.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            return Since.parse(text, Instant.now()).toEpochMilli();
        } catch (IllegalArgumentException e) {
            throw new QueryApi.BadRequest("since: " + e.getMessage());
        }
    }

    private static String labelSet(String id) {
        if (id != null && (id.isEmpty() || id.length() > QueryApi.MAX_ID_CHARS)) {
            throw new QueryApi.BadRequest("labelSet is 1 to " + QueryApi.MAX_ID_CHARS + " characters");
        }
        return id;
    }
}
