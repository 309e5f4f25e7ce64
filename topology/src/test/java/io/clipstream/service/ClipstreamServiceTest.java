package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.topology.RecordSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service against a real broker and registry on 127.0.0.1 with the tiny random model: it creates its topics,
 * turns ready only once Kafka Streams runs, serves Kafka Streams' own metrics, and holds the label table.
 */
class ClipstreamServiceTest {
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static EmbeddedBroker broker;
    private static SchemaRegistryHttpServer registry;
    private static ClipModel model;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir, "service-test");
        broker = cluster.broker();
        registry = cluster.registry();
        model = ClipModel.load(ClipModel.writeTinyRandomModel(dir.resolve("model"), 5));
    }

    @AfterAll
    static void stop() {
        LocalCluster.close(cluster);
    }

    @Test
    void createsTopicsTurnsReadyWhenRunningAndServesStreamsMetrics() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "service-test");
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("topics.partitions", "2");
        settings.put("topics.replication.factor", "1");
        settings.put("topic.images", "service-test-images");
        settings.put("shutdown.timeout.ms", "10000");
        ServiceConfig config = ServiceConfig.from(settings);
        try (Monitoring monitoring = Monitoring.start("127.0.0.1", 0)) {
            String base = monitoring.http().url();
            assertThat(get(base + "/health/ready").body()).contains("model not loaded yet");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            monitoring.health().modelLoaded();
            ClipstreamService service = ClipstreamService.start(
                    config, model, monitoring.registry(), monitoring.metrics(), monitoring.health());
            try {
                try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                    var topics = admin.describeTopics(
                                    Topics.wanted(config.topology()).keySet())
                            .allTopicNames()
                            .get();
                    assertThat(topics)
                            .containsKeys(
                                    "label-sets",
                                    "label-embeddings",
                                    "service-test-images",
                                    "classifications",
                                    "image-embeddings",
                                    "images-dlq");
                    assertThat(topics.get("service-test-images").partitions()).hasSize(2);
                }
                waitFor(() -> service.state() == KafkaStreams.State.RUNNING, "the streams to run");
                waitFor(() -> get(base + "/health/ready").statusCode() == 200, "ready");
                assertThat(get(base + "/health/ready").body()).isEqualTo("{\"status\":\"UP\"}");

                RecordSerdes serdes = RecordSerdes.configured(config.serdeConfig());
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(
                                    "label-sets",
                                    DemoData.LABEL_SET.getBytes(StandardCharsets.UTF_8),
                                    serdes.labelSet().serializer().serialize("label-sets", DemoData.labelSet())))
                            .get();
                }
                waitFor(() -> service.labels().labelsOf(DemoData.LABEL_SET) == DemoData.LABELS.size(), "the labels");
                assertThat(service.labels().counts())
                        .hasValue(new ServiceMetrics.LabelCounts(1, DemoData.LABELS.size()));

                String metrics = get(base + "/metrics").body();
                assertThat(metrics)
                        .contains("kafka_stream_") // Kafka Streams' own metrics, bound by Micrometer
                        .contains("jvm_memory_used_bytes")
                        .contains("jvm_threads_live_threads")
                        .contains("clipstream_labels " + (double) DemoData.LABELS.size())
                        .contains("clipstream_label_sets 1.0");
            } finally {
                service.close();
            }
            assertThat(service.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
            HttpResponse<String> after = get(base + "/health/ready");
            assertThat(after.statusCode()).isEqualTo(503);
            assertThat(after.body()).contains("NOT_RUNNING");
        }
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
