package io.clipstream.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchHit;
import io.clipstream.search.SearchWindowProcessor;
import io.clipstream.search.TopLabel;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other instances found through Kafka Streams' interactive-query metadata: every instance hosting the
 * {@value SearchWindowProcessor#STORE} store, at its {@code application.server} (its HTTP address), asked over the
 * internal routes of {@link PeerApi} with this instance's bearer token. All are asked at once and given
 * {@link #TIMEOUT} in all; one that does not answer 200 by then is left out, so the search says it is partial.
 */
public final class HttpPeers implements Peers {
    /** How long a search waits for the other instances' parts. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(HttpPeers.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaStreams streams;
    private final HostInfo self;
    private final String token;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** {@code self}: this instance's {@code application.server}; {@code token}: {@code http.auth.token} (may be empty). */
    public HttpPeers(KafkaStreams streams, HostInfo self, String token, Duration timeout) {
        this.streams = streams;
        this.self = self;
        this.token = token;
        this.timeout = timeout;
    }

    @Override
    public List<Answer> search(float[] vector, SearchBackend.Filter filter, String excludeId)
            throws InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode values = body.putArray("vector");
        for (float v : vector) {
            values.add(v);
        }
        StringBuilder query =
                new StringBuilder("?k=").append(filter.k()).append("&since=").append(filter.sinceMs());
        if (filter.labelSet() != null) {
            query.append("&labelSet=").append(URLEncoder.encode(filter.labelSet(), StandardCharsets.UTF_8));
        }
        if (excludeId != null) {
            query.append("&exclude=").append(URLEncoder.encode(excludeId, StandardCharsets.UTF_8));
        }
        List<Answer> answers = new ArrayList<>();
        for (JsonNode answer :
                askAll("/v1/internal/search" + query, HttpRequest.BodyPublishers.ofString(body.toString()))) {
            answers.add(answer(answer));
        }
        return answers;
    }

    @Override
    public Optional<float[]> vectorOf(String imageId) throws InterruptedException {
        for (JsonNode answer : askAll(
                "/v1/internal/vector/"
                        + URLEncoder.encode(imageId, StandardCharsets.UTF_8).replace("+", "%20"),
                null)) {
            JsonNode vector = answer.get("vector");
            if (vector != null && vector.isArray()) {
                float[] v = new float[vector.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) vector.get(i).asDouble();
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The 200 answers, as JSON, of every other instance hosting the window store, within the timeout in all. */
    private List<JsonNode> askAll(String pathAndQuery, HttpRequest.BodyPublisher post) throws InterruptedException {
        Map<HostInfo, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(SearchWindowProcessor.STORE)) {
            HostInfo host = m.hostInfo();
            if (host.equals(self) || host.port() <= 0 || calls.containsKey(host)) {
                continue;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                    .timeout(timeout);
            if (!token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            if (post != null) {
                request.header("Content-Type", "application/json").POST(post);
            }
            calls.put(host, http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> answers = new ArrayList<>();
        for (Map.Entry<HostInfo, CompletableFuture<HttpResponse<String>>> call : calls.entrySet()) {
            try {
                HttpResponse<String> r =
                        call.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r.statusCode() == 200) {
                    answers.add(JSON.readTree(r.body()));
                } else if (r.statusCode() != 404) {
                    LOG.warn("instance {} answered {} to a search", call.getKey(), r.statusCode());
                }
            } catch (TimeoutException e) {
                call.getValue().cancel(true);
                LOG.warn("instance {} did not answer a search within {} ms", call.getKey(), timeout.toMillis());
            } catch (ExecutionException | java.io.IOException e) {
                LOG.warn(
                        "instance {} could not be asked: {}",
                        call.getKey(),
                        e instanceof ExecutionException ? e.getCause().toString() : e.toString());
            }
        }
        return answers;
    }

    /** An instance's part of a search, read back from {@link PeerApi}'s JSON (the public result format). */
    static Answer answer(JsonNode json) {
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode r : json.path("results")) {
            List<TopLabel> top = new ArrayList<>();
            for (JsonNode t : r.path("top")) {
                top.add(new TopLabel(
                        t.path("label").asText(), (float) t.path("similarity").asDouble(), (float)
                                t.path("probability").asDouble()));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            r.path("attributes")
                    .fields()
                    .forEachRemaining(
                            e -> attributes.put(e.getKey(), e.getValue().asText()));
            SearchEntry entry = new SearchEntry(
                    r.path("id").asText(),
                    Instant.parse(r.path("eventTime").asText()).toEpochMilli(),
                    0,
                    r.path("labelSet").asText(),
                    top,
                    attributes,
                    null);
            hits.add(new SearchHit(entry, (float) r.path("score").asDouble()));
        }
        Set<Integer> partitions = new HashSet<>();
        json.path("partitions").forEach(p -> partitions.add(p.asInt()));
        return new Answer(hits, partitions);
    }
}
