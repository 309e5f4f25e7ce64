package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.ClipModel;
import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.reliability.Waits;
import io.clipstream.search.HalfVector;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TinyClip;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search across instances against the real broker: two instances of the service in this JVM (the tiny random model,
 * each with its own HTTP server as its {@code application.server} on 127.0.0.1), the images topic with two
 * partitions, so the searchable window is split between them. A text search on one instance returns images of both
 * partitions; with the other instance not answering the answer says partial; once it has left, the remaining
 * instance restores the other partition's window from its changelog; restarted on its old state, it serves its part
 * again.
 */
class SearchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "search-" + UUID.randomUUID();
    private static final String IMAGES = "search-it-images";

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static ClipModel model;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One instance: its HTTP server (the query API) and the running service. */
    private record Instance(Monitoring monitoring, ClipstreamService service) implements AutoCloseable {
        String url() {
            return monitoring.http().url();
        }

        @Override
        public void close() {
            service.close();
            monitoring.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(dir, "search-it");
        model = ClipModel.load(ClipModel.writeTinyRandomModel(dir.resolve("model"), 5));
    }

    @AfterAll
    static void stop() {
        LocalCluster.close(cluster);
    }

    private static Instance startInstance(String name, int port) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", cluster.broker().bootstrapServers());
        settings.put("schema.registry.url", cluster.registry().url());
        settings.put("application.id", "search-it");
        settings.put("state.dir", dir.resolve("state-" + name).toString());
        settings.put("topics.partitions", "2");
        settings.put("topics.replication.factor", "1");
        settings.put("topic.images", IMAGES);
        settings.put("http.bind.address", "127.0.0.1");
        settings.put("http.port", String.valueOf(port));
        settings.put("http.auth.token", TOKEN);
        settings.put("application.server", "127.0.0.1:" + port);
        settings.put("image.batch.max.wait.ms", "20");
        settings.put("shutdown.timeout.ms", "10000");
        ServiceConfig config = ServiceConfig.from(settings);
        Monitoring monitoring = Monitoring.start("127.0.0.1", port, TOKEN);
        monitoring.health().modelLoaded();
        ClipstreamService service = ClipstreamService.start(
                config, model, monitoring.registry(), monitoring.metrics(), monitoring.health());
        monitoring.serveQueries(service);
        return new Instance(monitoring, service);
    }

    @Test
    void aSearchCoversBothInstancesSaysPartialWithoutOneAndSurvivesItsRestart() throws Exception {
        int portA = LocalCluster.freePort();
        int portB = LocalCluster.freePort();
        Instance a = startInstance("a", portA);
        Instance b = startInstance("b", portB);
        try {
            Waits.until(
                    () -> status(a.url() + "/health/ready") == 200 && status(b.url() + "/health/ready") == 200,
                    "both instances ready");
            Waits.until(
                    () -> {
                        JsonNode r = search(a.url());
                        return r != null && !r.get("partial").asBoolean();
                    },
                    "a search on A covering both partitions (each instance holds one)");

            RecordSerdes serdes = RecordSerdes.configured(
                    Map.of("schema.registry.url", cluster.registry().url()));
            Map<Integer, List<String>> byPartition = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                producer.send(new ProducerRecord<>(
                                "label-sets",
                                bytes(DemoData.LABEL_SET),
                                serdes.labelSet().serializer().serialize("label-sets", DemoData.labelSet())))
                        .get();
                Waits.until(
                        () -> a.service().labels().labelsOf(DemoData.LABEL_SET) == DemoData.LABELS.size(),
                        "the label set on A");
                for (int i = 0;
                        byPartition.getOrDefault(0, List.of()).size() < 3
                                || byPartition.getOrDefault(1, List.of()).size() < 3;
                        i++) {
                    String id = "img-" + i;
                    int partition = Utils.toPositive(Utils.murmur2(bytes(id))) % 2; // the default partitioner
                    if (byPartition.getOrDefault(partition, List.of()).size() == 3) {
                        continue;
                    }
                    byPartition
                            .computeIfAbsent(partition, p -> new ArrayList<>())
                            .add(id);
                    producer.send(new ProducerRecord<>(
                                    IMAGES,
                                    bytes(id),
                                    serdes.imageEvent()
                                            .serializer()
                                            .serialize(
                                                    IMAGES,
                                                    DemoData.event(id, TinyClip.png(i + 1, 48, 40), Instant.now()))))
                            .get();
                }
            }
            Set<String> all = new HashSet<>(byPartition.get(0));
            all.addAll(byPartition.get(1));
            awaitClassified(all);

            // A answers for both partitions: its own window holds one partition's images, B's the other's
            JsonNode both = search(a.url());
            assertThat(both.get("partial").asBoolean()).isFalse();
            assertThat(ids(both)).containsExactlyInAnyOrderElementsOf(all);
            JsonNode onlyA = internalSearch(a.url());
            JsonNode onlyB = internalSearch(b.url());
            assertThat(onlyA.get("partitions")).hasSize(1);
            assertThat(onlyB.get("partitions")).hasSize(1);
            assertThat(ids(onlyA)).isNotEmpty().hasSizeLessThan(all.size());
            assertThat(ids(onlyB)).isNotEmpty().hasSizeLessThan(all.size());
            assertThat(new HashSet<>(ids(onlyA))).doesNotContainAnyElementsOf(ids(onlyB));
            // each score is the cosine of the image's stored half-precision vector, read back through interactive
            // queries (the window's int8 copy would be off by about 1e-3 at this model's size)
            for (JsonNode answer : List.of(onlyA, onlyB)) {
                for (JsonNode r : answer.get("results")) {
                    int i = Integer.parseInt(r.get("id").asText().substring("img-".length()));
                    float[] embedding = model.encodeImages(List.of(model.preprocess(TinyClip.png(i + 1, 48, 40))))[0];
                    float[] unit = ZeroShotClassifier.normalize(embedding);
                    assertThat(r.get("score").floatValue())
                            .as(r.toString())
                            .isCloseTo(HalfVector.of(unit).cosine(axis0()), within(1e-5f));
                }
            }

            // B's HTTP server stops answering while B still holds its partition: the answer says partial
            b.monitoring().close();
            JsonNode withoutB = search(a.url());
            assertThat(withoutB.get("partial").asBoolean()).isTrue();
            assertThat(ids(withoutB)).containsExactlyInAnyOrderElementsOf(ids(onlyA));

            // B leaves: A takes its partition over and restores that window from the changelog
            b.service().close();
            Waits.until(
                    () -> {
                        JsonNode r = search(a.url());
                        return r != null && !r.get("partial").asBoolean() && ids(r).size() == all.size();
                    },
                    "A holding both windows, the second restored from its changelog");
            assertThat(ids(search(a.url()))).containsExactlyInAnyOrderElementsOf(all);

            // B restarts on its old state: whichever instance holds which partition, the search is whole again
            Instance again = startInstance("b", portB);
            try {
                Waits.until(() -> status(again.url() + "/health/ready") == 200, "B ready again");
                Waits.until(
                        () -> {
                            JsonNode r = search(again.url());
                            return r != null && !r.get("partial").asBoolean() && ids(r).size() == all.size();
                        },
                        "a whole search on the restarted B");
                assertThat(ids(search(again.url()))).containsExactlyInAnyOrderElementsOf(all);
            } finally {
                again.close();
            }
        } finally {
            a.close();
        }
    }

    /** A text search for up to 100 images, or null when the instance cannot answer yet. */
    private JsonNode search(String base) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v1/search?q=a%20cat&k=100"))
                .header("Authorization", "Bearer " + TOKEN));
        return r == null || r.statusCode() != 200 ? null : read(r.body());
    }

    private static float[] axis0() {
        float[] unit = new float[model.embedDim()];
        unit[0] = 1;
        return unit;
    }

    /** One instance's own part of a search for the first axis, as another instance asks for it. */
    private JsonNode internalSearch(String base) {
        float[] unit = axis0();
        StringBuilder vector = new StringBuilder("{\"vector\":[");
        for (int i = 0; i < unit.length; i++) {
            vector.append(i == 0 ? "" : ",").append(unit[i]);
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v1/internal/search?k=100"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(vector.append("]}").toString())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return read(r.body());
    }

    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("results").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private void awaitClassified(Set<String> ids) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.broker().bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "search-it-" + UUID.randomUUID()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("classifications"));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!seen.containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("classified " + seen + " of " + ids);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    seen.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    private int status(String url) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)));
        return r == null ? -1 : r.statusCode();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not listening (yet, or any more)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
