package io.clipstream.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API under {@code /v1/}, JSON out:
 * <ul>
 *   <li>{@code POST /v1/classify?labelSet=ID[&topK=N][&id=IMAGE_ID]}, the image as the body: the Classification the
 *       stream would write for it (Avro's JSON encoding), computed by {@link QueryBackend};</li>
 *   <li>{@code GET /v1/label-sets} and {@code GET /v1/label-sets/{id}}: {@link LabelSetViews}.</li>
 * </ul>
 * With a token, every {@code /v1/} request needs {@code Authorization: Bearer <token>} (compared in constant time),
 * else 401. Limits: a body over {@code image.max.bytes} is 413 (never more than that + 1 byte is read); a query string
 * over {@value #MAX_QUERY_CHARS} characters is 414; at most {@value #ADMITTED} classifications are admitted at once
 * (reading their body or waiting for the tower), more get 503 at once, so the HTTP threads stay free for the probes.
 * Every error is a JSON object {@code {"error": reason[, "code": dead-letter code]}}. Answers 503 until
 * {@link #serve} is called (the service is starting).
 */
public final class QueryApi implements HttpHandler {
    static final int MAX_QUERY_CHARS = 2048;
    static final int MAX_ID_CHARS = 256;
    static final int ADMITTED = 2;
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] tokenDigest;
    private final Semaphore admitted = new Semaphore(ADMITTED);
    private volatile QueryBackend backend;
    private volatile SearchApi search;

    /** {@code token} empty: no authentication. */
    public QueryApi(String token) {
        this.tokenDigest = token == null || token.isEmpty() ? null : sha256(token);
    }

    /** From now on, answer from {@code running} (until then: 503). */
    public void serve(QueryBackend running) {
        backend = running;
    }

    /** As above, with searches answered from {@code searches} (null: search is off, 503). */
    public void serve(QueryBackend running, SearchBackend searches) {
        search = searches == null ? null : new SearchApi(searches, admitted, running.maxImageBytes());
        backend = running;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"clipstream\"");
                error(ex, 401, "a valid Authorization: Bearer token is required", null);
                return;
            }
            String rawQuery = ex.getRequestURI().getRawQuery();
            if (rawQuery != null && rawQuery.length() > MAX_QUERY_CHARS) {
                error(ex, 414, "query string over " + MAX_QUERY_CHARS + " characters", null);
                return;
            }
            String path = ex.getRequestURI().getRawPath();
            if (path.equals("/v1/classify")) {
                classify(ex);
            } else if (path.equals("/v1/label-sets") || path.startsWith("/v1/label-sets/")) {
                labelSets(ex, path);
            } else if (path.equals("/v1/search")
                    || path.startsWith("/v1/similar/")
                    || path.startsWith("/v1/internal/")) {
                SearchApi searches = search;
                if (searches == null) {
                    unavailable(ex, backend == null ? "the service is starting" : "search is off (search.enabled)");
                } else {
                    searches.handle(ex, path);
                }
            } else {
                error(
                        ex,
                        404,
                        "not found; try POST /v1/classify?labelSet=ID, GET /v1/label-sets, "
                                + "GET /v1/search?q=TEXT or GET /v1/similar/IMAGE_ID",
                        null);
            }
        } catch (BadRequest e) {
            error(ex, 400, e.getMessage(), null);
        } catch (RuntimeException e) {
            LOG.error(
                    "query {} {} failed",
                    ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(),
                    e);
            error(ex, 500, "internal error: " + e.getClass().getSimpleName(), null);
        } finally {
            ex.close();
        }
    }

    /** Constant time in the token's content and length: both sides are compared as SHA-256 digests. */
    boolean authorized(String header) {
        if (tokenDigest == null) {
            return true;
        }
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()));
    }

    private void classify(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, 405, "method not allowed: POST the image as the body", null);
            return;
        }
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        String labelSet = query.get("labelSet");
        if (labelSet == null || labelSet.isEmpty()) {
            throw new BadRequest("labelSet is required: POST /v1/classify?labelSet=ID");
        }
        String id = query.getOrDefault("id", "");
        if (labelSet.length() > MAX_ID_CHARS || id.length() > MAX_ID_CHARS) {
            throw new BadRequest("labelSet and id are at most " + MAX_ID_CHARS + " characters");
        }
        QueryBackend running = backend;
        if (running == null) {
            unavailable(ex, "the service is starting");
            return;
        }
        Integer topK = query.containsKey("topK") ? topK(query.get("topK"), running.maxTopK()) : null;
        if (!admitted.tryAcquire()) {
            unavailable(ex, ADMITTED + " classifications are under way; retry later");
            return;
        }
        try {
            byte[] body = image(ex, running.maxImageBytes());
            if (body == null) {
                return;
            }
            QueryBackend.Result result = running.classify(id, labelSet, body, contentType(ex), topK);
            if (result instanceof QueryBackend.Result.Classified c) {
                send(ex, 200, json(c.classification()));
            } else if (result instanceof QueryBackend.Result.Rejected r) {
                error(ex, r.code() == ErrorCode.MODEL_ERROR ? 500 : 400, r.message(), r.code());
            } else if (result instanceof QueryBackend.Result.UnknownSet u) {
                error(ex, 404, u.message(), ErrorCode.UNKNOWN_LABEL_SET);
            } else {
                unavailable(ex, ((QueryBackend.Result.Unavailable) result).message());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(ex, "shutting down");
        } finally {
            admitted.release();
        }
    }

    private void labelSets(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            error(ex, 405, "method not allowed", null);
            return;
        }
        QueryBackend running = backend;
        Optional<List<LabelSetViews.View>> views = running == null ? Optional.empty() : running.labelSets();
        if (views.isEmpty()) {
            unavailable(ex, running == null ? "the service is starting" : "label table not restored yet");
            return;
        }
        if (path.equals("/v1/label-sets")) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode sets = body.putArray("labelSets");
            views.get().forEach(v -> sets.add(view(v, false)));
            send(ex, 200, body.toString());
            return;
        }
        String id = URLDecoder.decode(path.substring("/v1/label-sets/".length()), StandardCharsets.UTF_8);
        Optional<LabelSetViews.View> one =
                views.get().stream().filter(v -> v.id().equals(id)).findFirst();
        if (one.isEmpty()) {
            error(ex, 404, "no label set \"" + id + "\" in the label table or being encoded here", null);
        } else {
            send(ex, 200, view(one.get(), true).toString());
        }
    }

    /** A set as JSON; the list gives the label count, one set its labels with their thresholds. */
    static ObjectNode view(LabelSetViews.View v, boolean withLabels) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", v.id())
                .put("state", v.state())
                .put("ready", v.ready())
                .put("version", v.version())
                .put("modelId", v.modelId());
        if (v.topK() == null) {
            node.putNull("topK");
        } else {
            node.put("topK", v.topK());
        }
        node.put("labelCount", v.labels().size());
        if (withLabels) {
            ArrayNode labels = node.putArray("labels");
            for (LabelSetViews.Label l : v.labels()) {
                ObjectNode label = labels.addObject().put("label", l.label());
                if (l.threshold() == null) {
                    label.putNull("threshold");
                } else {
                    label.put("threshold", l.threshold());
                }
            }
        }
        if (v.encoding() != null) {
            node.putObject("encoding")
                    .put("version", v.encoding().version())
                    .put("promptsEncoded", v.encoding().promptsEncoded())
                    .put("prompts", v.encoding().prompts());
        }
        return node;
    }

    /** Avro's JSON encoding of the record: the field names and values a consumer of the topic sees. */
    static String json(Classification c) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(Classification.getClassSchema(), out);
            new SpecificDatumWriter<>(Classification.class).write(c, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (params.put(key, value) != null) {
                    throw new BadRequest("parameter " + key + " given twice");
                }
            } catch (IllegalArgumentException e) {
                throw new BadRequest("malformed query string: " + e.getMessage());
            }
        }
        return params;
    }

    static int topK(String text, int max) {
        try {
            int k = Integer.parseInt(text);
            if (k >= 1 && k <= max) {
                return k;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest("topK must be a whole number from 1 to " + max + " (label.set.max.labels)");
    }

    /**
     * The image in the body, at most {@code limit} bytes ({@code image.max.bytes}); null once 413 is answered for a
     * larger one (at most {@code limit} + 1 bytes are read; a declared length over it is refused unread).
     */
    static byte[] image(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > limit + 1) {
            ex.getResponseHeaders().set("Connection", "close"); // the body is left unread
            error(
                    ex,
                    413,
                    "image of " + declared + " bytes is over the limit of " + limit + " bytes (image.max.bytes)",
                    ErrorCode.IMAGE_TOO_LARGE);
            return null;
        }
        byte[] body = ex.getRequestBody().readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
        if (body.length > limit) {
            error(ex, 413, "image over the limit of " + limit + " bytes (image.max.bytes)", ErrorCode.IMAGE_TOO_LARGE);
            return null;
        }
        return body;
    }

    /** The request's content type, when it has a sane one. */
    static String contentType(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        return type == null || type.length() > MAX_ID_CHARS ? null : type;
    }

    static void unavailable(HttpExchange ex, String reason) throws IOException {
        ex.getResponseHeaders().set("Retry-After", "5");
        error(ex, 503, reason, null);
    }

    static void error(HttpExchange ex, int status, String reason, ErrorCode code) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("error", reason);
        if (code != null) {
            body.put("code", code.name());
        }
        send(ex, status, body.toString());
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request the API cannot answer as asked: 400 with the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
