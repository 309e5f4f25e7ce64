package io.clipstream.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The internal routes another instance asks during a search (behind the same token as the rest of {@code /v1/}):
 * <ul>
 *   <li>{@code POST /v1/internal/search?k=N&since=EPOCH_MS[&labelSet=ID][&exclude=IMAGE_ID]}, body
 *       {@code {"vector": [floats]}}: this instance's part only, {@code {"results": […], "partitions": [ints]}};</li>
 *   <li>{@code GET /v1/internal/vector/{imageId}}: {@code {"vector": [floats]}} of an image in a window here, or 404.</li>
 * </ul>
 * The body is at most {@value #MAX_BODY_BYTES} bytes and the vector at most {@value #MAX_DIMENSION} floats.
 */
final class PeerApi {
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_DIMENSION = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SearchBackend backend;

    PeerApi(SearchBackend backend) {
        this.backend = backend;
    }

    void handle(HttpExchange ex, String path) throws IOException, InterruptedException {
        if (path.equals("/v1/internal/search") && ex.getRequestMethod().equals("POST")) {
            Map<String, String> params = QueryApi.query(ex.getRequestURI().getRawQuery());
            long since;
            try {
                since = Long.parseLong(params.getOrDefault("since", String.valueOf(Long.MIN_VALUE)));
            } catch (NumberFormatException e) {
                throw new QueryApi.BadRequest("since must be epoch milliseconds here");
            }
            SearchBackend.Filter filter =
                    new SearchBackend.Filter(SearchApi.k(params.get("k")), since, params.get("labelSet"));
            Peers.Answer answer = backend.searchHere(vector(ex), filter, params.get("exclude"));
            ObjectNode body = JSON.createObjectNode();
            ArrayNode results = body.putArray("results");
            answer.hits().forEach(h -> results.add(SearchApi.hit(h)));
            ArrayNode partitions = body.putArray("partitions");
            answer.partitions().forEach(partitions::add);
            QueryApi.send(ex, 200, body.toString());
        } else if (path.startsWith("/v1/internal/vector/")
                && ex.getRequestMethod().equals("GET")) {
            String id = URLDecoder.decode(path.substring("/v1/internal/vector/".length()), StandardCharsets.UTF_8);
            Optional<float[]> vector = backend.localVectorOf(id);
            if (vector.isEmpty()) {
                QueryApi.error(ex, 404, "no image \"" + id + "\" in this instance's windows", null);
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            ArrayNode values = body.putArray("vector");
            for (float v : vector.get()) {
                values.add(v);
            }
            QueryApi.send(ex, 200, body.toString());
        } else {
            QueryApi.error(ex, 404, "no such internal route", null);
        }
    }

    private static float[] vector(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new QueryApi.BadRequest("body over " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode vector;
        try {
            vector = JSON.readTree(body).path("vector");
        } catch (IOException e) {
            throw new QueryApi.BadRequest("body is not JSON");
        }
        if (!vector.isArray() || vector.isEmpty() || vector.size() > MAX_DIMENSION) {
            throw new QueryApi.BadRequest("vector: an array of 1 to " + MAX_DIMENSION + " numbers is required");
        }
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            if (!vector.get(i).isNumber()) {
                throw new QueryApi.BadRequest("vector: numbers only");
            }
            v[i] = (float) vector.get(i).asDouble();
        }
        return v;
    }
}
