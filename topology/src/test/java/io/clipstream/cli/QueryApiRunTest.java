package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.ClipModel;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.EmbeddedBroker;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TinyClip;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API of the real {@code run} command, in this JVM against an in-process broker and registry with the tiny
 * random model: {@code /v1/classify} answers the Classification the stream wrote for the same image, and every limit
 * and guard answers as documented. {@code image.max.bytes} is the size of the test image, so the limit is tested at
 * the limit.
 */
class QueryApiRunTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "query-" + UUID.randomUUID();
    private static final String SET = "review";
    private static final byte[] IMAGE = TinyClip.png(7, 96, 64);

    @TempDir
    static Path dir;

    private static EmbeddedBroker broker;
    private static SchemaRegistryHttpServer registry;
    private static Thread run;
    private static final AtomicInteger EXIT = new AtomicInteger(-1);
    private static String base;
    private static RecordSerdes serdes;

    @BeforeAll
    static void startService() throws Exception {
        broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0);
        registry = SchemaRegistryHttpServer.start(
                InMemorySchemaRegistry.forScope("query-" + UUID.randomUUID()), "127.0.0.1", 0);
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 5);
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        Path config = dir.resolve("clipstream.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "schema.registry.url=" + registry.url(),
                        "application.id=query-api",
                        "state.dir=" + dir.resolve("state"),
                        "model.dir=" + model,
                        "http.bind.address=127.0.0.1",
                        "http.port=" + port,
                        "http.auth.token=" + TOKEN,
                        "image.max.bytes=" + IMAGE.length,
                        "image.batch.max.wait.ms=20",
                        "topic.flagged=to-review",
                        "topics.partitions=1",
                        "topics.replication.factor=1",
                        "shutdown.timeout.ms=10000",
                        ""));
        run = new Thread(() -> EXIT.set(Main.run("run", "--config", config.toString())), "query-api-run");
        run.start();
        waitFor(
                () -> {
                    if (!run.isAlive()) {
                        throw new AssertionError("run exited with " + EXIT.get());
                    }
                    return send(get("/health/ready")).statusCode() == 200;
                },
                "/health/ready");
        serdes = RecordSerdes.configured(Map.of("schema.registry.url", registry.url()));
        List<Label> labels = new ArrayList<>();
        for (String name : List.of("a cat", "a dog", "a diagram", "a tree")) {
            labels.add(Label.newBuilder()
                    .setName(name)
                    .setPrompts(null)
                    .setThreshold(name.equals("a diagram") ? -1f : null)
                    .build());
        }
        LabelSet set = LabelSet.newBuilder()
                .setId(SET)
                .setVersion(4)
                .setLabels(labels)
                .setTemplates(List.of("a photo of {}.", "{}"))
                .setTopK(3)
                .setDescription(null)
                .build();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(
                            "label-sets",
                            bytes(SET),
                            serdes.labelSet().serializer().serialize("label-sets", set)))
                    .get();
        }
        waitFor(
                () -> {
                    HttpResponse<String> r =
                            send(get("/v1/label-sets/" + SET).header("Authorization", "Bearer " + TOKEN));
                    return r.statusCode() == 200 && r.body().contains("\"ready\":true");
                },
                "the label set ready in the global store");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (run != null) {
            run.interrupt();
            run.join(Duration.ofSeconds(60).toMillis());
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void classifyAnswersWhatTheStreamWroteForTheSameImage() throws Exception {
        ImageEvent event = ImageEvent.newBuilder()
                .setId("img-q")
                .setEventTime(Instant.now())
                .setImage(
                        InlineImage.newBuilder().setData(ByteBuffer.wrap(IMAGE)).build())
                .setContentType("image/png")
                .setLabelSet(SET)
                .setAttributes(Map.of())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(
                            "images",
                            bytes("img-q"),
                            serdes.imageEvent().serializer().serialize("images", event)))
                    .get();
        }
        Classification streamed = read("classifications", "img-q");
        Classification flagged = read("to-review", "img-q");

        HttpResponse<String> response = send(classify("labelSet=" + SET + "&id=img-q", IMAGE, true));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        Classification answered = new SpecificDatumReader<>(Classification.class)
                .read(null, DecoderFactory.get().jsonDecoder(Classification.getClassSchema(), response.body()));

        assertThat(answered.getImageId()).isEqualTo("img-q");
        assertThat(answered.getLabelSet()).isEqualTo(SET);
        assertThat(answered.getLabelSetVersion())
                .isEqualTo(streamed.getLabelSetVersion())
                .isEqualTo(4);
        assertThat(answered.getModelId()).isEqualTo(streamed.getModelId());
        assertSameScores(answered.getTop(), streamed.getTop());
        assertThat(answered.getTop()).hasSize(3); // the set's topK
        assertSameScores(answered.getFlagged(), streamed.getFlagged());
        assertThat(answered.getFlagged()).extracting(LabelScore::getLabel).containsExactly("a diagram");
        assertThat(flagged).isEqualTo(streamed); // topic.flagged: the same record

        HttpResponse<String> one = send(classify("labelSet=" + SET + "&topK=1", IMAGE, true));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).get("top")).hasSize(1);
    }

    @Test
    void queriesNeedTheTokenAndHealthAndMetricsDoNot() throws Exception {
        for (HttpRequest.Builder request : List.of(
                classify("labelSet=" + SET, IMAGE, false),
                get("/v1/label-sets"),
                get("/v1/label-sets").header("Authorization", "Bearer wrong-" + TOKEN),
                get("/v1/label-sets").header("Authorization", "Bearer " + TOKEN.substring(1)),
                get("/v1/label-sets").header("Authorization", "Basic " + TOKEN))) {
            HttpResponse<String> r = send(request);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("Bearer");
        }
        assertThat(send(get("/health/live")).statusCode()).isEqualTo(200);
        assertThat(send(get("/health/ready")).statusCode()).isEqualTo(200);
        assertThat(send(get("/metrics")).statusCode()).isEqualTo(200);
        assertThat(send(get("/v1/label-sets").header("Authorization", "bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theBodyIsAcceptedAtTheLimitAndRefusedOneByteOver() throws Exception {
        assertThat(send(classify("labelSet=" + SET, IMAGE, true)).statusCode()).isEqualTo(200);
        HttpResponse<String> over = send(classify("labelSet=" + SET, Arrays.copyOf(IMAGE, IMAGE.length + 1), true));
        assertThat(over.statusCode()).isEqualTo(413);
        JsonNode reason = JSON.readTree(over.body());
        assertThat(reason.get("code").asText()).isEqualTo("IMAGE_TOO_LARGE");
        assertThat(reason.get("error").asText()).contains(String.valueOf(IMAGE.length));
    }

    @Test
    void badRequestsGetA4xxWithAJsonReason() throws Exception {
        HttpResponse<String> unknown = send(classify("labelSet=nope", IMAGE, true));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("code").asText()).isEqualTo("UNKNOWN_LABEL_SET");

        HttpResponse<String> missing = send(classify("", IMAGE, true));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("labelSet is required");

        HttpResponse<String> text = send(classify("labelSet=" + SET, bytes("plain text, not an image"), true));
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(text.body()).get("code").asText()).isEqualTo("CORRUPT_IMAGE");

        HttpResponse<String> tiff = send(classify("labelSet=" + SET, new byte[] {'M', 'M', 0, 0x2A, 0, 0, 0, 8}, true));
        assertThat(tiff.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tiff.body()).get("code").asText()).isEqualTo("UNSUPPORTED_IMAGE");

        for (String k : List.of("0", "-1", "x", "10001")) {
            HttpResponse<String> r = send(classify("labelSet=" + SET + "&topK=" + k, IMAGE, true));
            assertThat(r.statusCode()).as("topK=" + k).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("topK");
        }
        assertThat(send(classify("labelSet=" + "s".repeat(3000), IMAGE, true)).statusCode())
                .isEqualTo(414);

        HttpResponse<String> getClassify =
                send(get("/v1/classify?labelSet=" + SET).header("Authorization", "Bearer " + TOKEN));
        assertThat(getClassify.statusCode()).isEqualTo(405);
        assertThat(getClassify.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> postSets = send(HttpRequest.newBuilder(URI.create(base + "/v1/label-sets"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(postSets.statusCode()).isEqualTo(405);
        assertThat(postSets.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(send(get("/v1/nothing").header("Authorization", "Bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void labelSetsListTheStoreWithVersionsLabelsAndThresholds() throws Exception {
        HttpResponse<String> list = send(get("/v1/label-sets").header("Authorization", "Bearer " + TOKEN));
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode sets = JSON.readTree(list.body()).get("labelSets");
        assertThat(sets).hasSize(1);
        JsonNode set = sets.get(0);
        assertThat(set.get("id").asText()).isEqualTo(SET);
        assertThat(set.get("state").asText()).isEqualTo("ready");
        assertThat(set.get("ready").asBoolean()).isTrue();
        assertThat(set.get("version").asLong()).isEqualTo(4);
        assertThat(set.get("topK").asInt()).isEqualTo(3);
        assertThat(set.get("labelCount").asInt()).isEqualTo(4);
        assertThat(set.get("modelId").asText()).isNotEmpty();

        HttpResponse<String> detail = send(get("/v1/label-sets/" + SET).header("Authorization", "Bearer " + TOKEN));
        JsonNode labels = JSON.readTree(detail.body()).get("labels");
        assertThat(labels).hasSize(4);
        assertThat(labels.get(0).get("label").asText()).isEqualTo("a cat");
        assertThat(labels.get(0).get("threshold").isNull()).isTrue();
        assertThat(labels.get(2).get("label").asText()).isEqualTo("a diagram");
        assertThat(labels.get(2).get("threshold").asDouble()).isEqualTo(-1.0);

        HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "/v1/label-sets"))
                .header("Authorization", "Bearer " + TOKEN)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(send(get("/v1/label-sets/nope").header("Authorization", "Bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void searchesFindTheStreamedImagesByTextByImageAndBySimilarity() throws Exception {
        byte[][] images = {TinyClip.png(21, 80, 60), TinyClip.png(22, 50, 90), TinyClip.png(23, 64, 64)};
        Instant eventTime = Instant.now().minusSeconds(5);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < images.length; i++) {
                ImageEvent event = ImageEvent.newBuilder()
                        .setId("img-s" + i)
                        .setEventTime(eventTime)
                        .setImage(InlineImage.newBuilder()
                                .setData(ByteBuffer.wrap(images[i]))
                                .build())
                        .setContentType("image/png")
                        .setLabelSet(SET)
                        .setAttributes(Map.of("camera", "c" + i))
                        .build();
                producer.send(new ProducerRecord<>(
                                "images",
                                bytes("img-s" + i),
                                serdes.imageEvent().serializer().serialize("images", event)))
                        .get();
            }
        }
        Classification last = read("classifications", "img-s2");
        waitFor(() -> send(search("/v1/similar/img-s2")).statusCode() == 200, "img-s2 in the searchable window");

        HttpResponse<String> byText =
                send(search("/v1/search?q=" + java.net.URLEncoder.encode("a photo of a cat", StandardCharsets.UTF_8)
                        + "&k=2&labelSet=" + SET + "&since=10m"));
        assertThat(byText.statusCode()).as(byText.body()).isEqualTo(200);
        JsonNode text = JSON.readTree(byText.body());
        assertThat(text.get("query").get("text").asText()).isEqualTo("a photo of a cat");
        assertThat(text.get("query").get("k").asInt()).isEqualTo(2);
        assertThat(text.get("partial").asBoolean()).isFalse();
        assertThat(text.get("results")).hasSize(2);
        assertThat(text.get("results").get(0).get("score").asDouble())
                .isGreaterThanOrEqualTo(text.get("results").get(1).get("score").asDouble());

        HttpResponse<String> byImage = send(search("/v1/search?k=10")
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(images[2])));
        assertThat(byImage.statusCode()).as(byImage.body()).isEqualTo(200);
        // the tiny random model maps every image to nearly one direction (cosines of 0.999): which is first is
        // rounding, so the image itself is looked for among the results (SearchRecallTest checks the ranking)
        JsonNode best = null;
        for (JsonNode r : JSON.readTree(byImage.body()).get("results")) {
            best = r.get("id").asText().equals("img-s2") ? r : best;
        }
        assertThat(best).as(byImage.body()).isNotNull();
        assertThat(best.get("score").asDouble()).isGreaterThan(0.99);
        assertThat(best.get("labelSet").asText()).isEqualTo(SET);
        assertThat(Instant.parse(best.get("eventTime").asText())).isEqualTo(last.getEventTime());
        assertThat(best.get("attributes").get("camera").asText()).isEqualTo("c2");
        assertThat(best.get("top")).hasSize(last.getTop().size());
        assertThat(best.get("top").get(0).get("label").asText())
                .isEqualTo(last.getTop().get(0).getLabel());
        assertThat(best.get("top").get(0).get("similarity").asDouble())
                .isCloseTo(last.getTop().get(0).getSimilarity(), within(1e-6));

        JsonNode similar =
                JSON.readTree(send(search("/v1/similar/img-s2?k=1000")).body());
        assertThat(similar.get("query").get("similarTo").asText()).isEqualTo("img-s2");
        List<String> ids = new ArrayList<>();
        similar.get("results").forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).contains("img-s0", "img-s1").doesNotContain("img-s2");

        assertThat(JSON.readTree(send(search("/v1/similar/img-s2?labelSet=other"))
                                .body())
                        .get("results"))
                .isEmpty();
        String future = Instant.now().plusSeconds(3600).toString();
        assertThat(JSON.readTree(send(search("/v1/similar/img-s2?since=" + future))
                                .body())
                        .get("results"))
                .isEmpty();
    }

    @Test
    void badSearchesGetA4xxWithAJsonReason() throws Exception {
        for (String k : List.of("0", "-1", "x", "1001")) {
            HttpResponse<String> r = send(search("/v1/search?q=cat&k=" + k));
            assertThat(r.statusCode()).as("k=" + k).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("k must be");
        }
        for (String q : List.of("", "%20%20", "a".repeat(1001))) {
            HttpResponse<String> r = send(search("/v1/search?q=" + q));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains("q is required");
        }
        assertThat(send(search("/v1/search")).statusCode()).isEqualTo(400);
        for (String since : List.of("yesterday", "-5m", "P-1D", "2026-13-01T00:00:00Z", "999999999999d")) {
            HttpResponse<String> r = send(search("/v1/search?q=cat&since=" + since));
            assertThat(r.statusCode()).as("since=" + since).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("since:");
        }
        HttpResponse<String> unknown = send(search("/v1/similar/no-such-image"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("no-such-image");
        HttpResponse<String> delete = send(search("/v1/search?q=cat").DELETE());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(send(search("/v1/similar/x").POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(405);
        HttpResponse<String> over = send(search("/v1/search")
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(IMAGE, IMAGE.length + 1))));
        assertThat(over.statusCode()).isEqualTo(413);
        HttpResponse<String> notImage =
                send(search("/v1/search").POST(HttpRequest.BodyPublishers.ofByteArray(bytes("plain text"))));
        assertThat(notImage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notImage.body()).get("code").asText()).isEqualTo("CORRUPT_IMAGE");
        assertThat(send(get("/v1/search?q=cat")).statusCode()).isEqualTo(401);
    }

    private static void assertSameScores(List<LabelScore> answered, List<LabelScore> streamed) {
        assertThat(answered)
                .extracting(LabelScore::getLabel)
                .containsExactlyElementsOf(
                        streamed.stream().map(LabelScore::getLabel).toList());
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(answered.get(i).getSimilarity())
                    .isCloseTo(streamed.get(i).getSimilarity(), within(1e-6f));
            assertThat(answered.get(i).getProbability())
                    .isCloseTo(streamed.get(i).getProbability(), within(1e-6f));
        }
    }

    private static Classification read(String topic, String key) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "query-test-" + UUID.randomUUID()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        return serdes.classification().deserializer().deserialize(topic, r.value());
                    }
                }
            }
            throw new AssertionError("no record " + key + " on " + topic);
        }
    }

    private static HttpRequest.Builder classify(String query, byte[] body, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(base + "/v1/classify" + (query.isEmpty() ? "" : "?" + query)))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return withToken ? b.header("Authorization", "Bearer " + TOKEN) : b;
    }

    private static HttpRequest.Builder search(String pathAndQuery) {
        return get(pathAndQuery).header("Authorization", "Bearer " + TOKEN);
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            boolean done;
            try {
                done = condition.getAsBoolean();
            } catch (java.io.UncheckedIOException e) {
                done = false; // not listening yet
            }
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
