package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on 127.0.0.1. */
class OpsHttpServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServiceMetrics metrics = new ServiceMetrics(registry);
    private final ServiceHealth health = new ServiceHealth();
    private final AtomicReference<State> state = new AtomicReference<>(State.REBALANCING);
    private OpsHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = OpsHttpServer.start("127.0.0.1", 0, health, registry);
        health.modelLoaded();
        health.watch(state::get, () -> Optional.of(new LabelCounts(1, 3)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void readyIs503WithAReasonUntilTheStreamsRun() throws Exception {
        HttpResponse<String> notYet = get("/health/ready");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(notYet.body())
                .isEqualTo("{\"status\":\"DOWN\",\"reason\":\"Kafka Streams is REBALANCING, not RUNNING\"}");
        state.set(State.RUNNING);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void liveFailsOnlyWhenTheStreamsFailed() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        state.set(State.ERROR);
        HttpResponse<String> dead = get("/health/live");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).contains("ERROR");
    }

    @Test
    void metricsArePrometheusTextWithTheServiceMeters() throws Exception {
        metrics.imageClassified(Instant.now().minusMillis(20), Instant.now());
        metrics.deadLetter(ErrorCode.CORRUPT_IMAGE);
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(response.body())
                .contains("# TYPE clipstream_images_classified_total counter")
                .contains("clipstream_images_classified_total 1.0")
                .contains("clipstream_dead_letters_total{code=\"CORRUPT_IMAGE\"} 1.0")
                .contains("clipstream_dead_letters_total{code=\"FETCH_FAILED\"} 0.0")
                .contains("clipstream_latency_seconds_count 1");
    }

    @Test
    void latencyInferenceAndBatchSizeAreHistogramsWithBuckets() throws Exception {
        metrics.imageClassified(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00.300Z"));
        metrics.batchEncoded(8, Duration.ofMillis(700));
        metrics.batchEncoded(3, Duration.ofMillis(40));
        String page = get("/metrics").body();
        assertThat(page)
                .contains("# TYPE clipstream_latency_seconds histogram")
                .contains("clipstream_latency_seconds_bucket{le=\"0.01\"} 0")
                .contains("clipstream_latency_seconds_bucket{le=\"0.25\"} 0")
                .contains("clipstream_latency_seconds_bucket{le=\"0.5\"} 1")
                .contains("clipstream_latency_seconds_bucket{le=\"60.0\"} 1")
                .contains("clipstream_latency_seconds_bucket{le=\"+Inf\"} 1")
                .contains("clipstream_latency_seconds_count 1")
                .contains("clipstream_latency_seconds_sum 0.3")
                .contains("# TYPE clipstream_batch_inference_seconds histogram")
                .contains("clipstream_batch_inference_seconds_bucket{le=\"0.005\"} 0")
                .contains("clipstream_batch_inference_seconds_bucket{le=\"0.05\"} 1")
                .contains("clipstream_batch_inference_seconds_bucket{le=\"1.0\"} 2")
                .contains("clipstream_batch_inference_seconds_bucket{le=\"30.0\"} 2")
                .contains("# TYPE clipstream_batch_size histogram")
                .contains("clipstream_batch_size_bucket{le=\"2.0\"} 0")
                .contains("clipstream_batch_size_bucket{le=\"4.0\"} 1")
                .contains("clipstream_batch_size_bucket{le=\"8.0\"} 2")
                .contains("clipstream_batch_size_bucket{le=\"64.0\"} 2")
                .contains("clipstream_batch_size_count 2")
                .contains("clipstream_batch_size_sum 11.0");
    }

    @Test
    void onlyGetAndHeadOfKnownPaths() throws Exception {
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/health/ready"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(get("/health/readyz").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> head = client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void reasonsAreEscapedAsJson() {
        assertThat(OpsHttpServer.jsonEscape("a \"b\"\\\n")).isEqualTo("a \\\"b\\\"\\\\\\u000a");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
