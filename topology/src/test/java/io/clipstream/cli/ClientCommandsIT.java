package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.ClipModel;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.schemas.serde.RegistryAvroSerde;
import io.clipstream.service.ClipstreamService;
import io.clipstream.service.DemoData;
import io.clipstream.service.EmbeddedBroker;
import io.clipstream.service.LocalCluster;
import io.clipstream.service.Monitoring;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * labels, send and tail against a real in-process KRaft broker and a registry over HTTP, run through {@link Main}
 * as a user would. Each test uses its own topic names (CLIPSTREAM_TOPIC_* variables, read as by {@code run}).
 */
class ClientCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static LocalCluster cluster;
    static EmbeddedBroker broker;
    static SchemaRegistryHttpServer registry;
    static RecordSerdes serdes;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path dir;

    private Map<String, String> originalEnv;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start(shared, "client-commands-it");
        broker = cluster.broker();
        registry = cluster.registry();
        serdes = RecordSerdes.configured(ServiceConfig.from(
                        Map.of("bootstrap.servers", broker.bootstrapServers(), "schema.registry.url", registry.url()))
                .serdeConfig());
    }

    @AfterAll
    static void stop() {
        LocalCluster.close(cluster);
    }

    @BeforeEach
    void saveEnv() {
        originalEnv = RunCommand.environment;
        RunCommand.environment = Map.of();
    }

    @AfterEach
    void restoreEnv() {
        RunCommand.environment = originalEnv;
    }

    private int cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-server", broker.bootstrapServers(), "--schema-registry-url", registry.url()));
        return Main.run(all.toArray(String[]::new));
    }

    @Test
    void labelsPutSendsExampleFilesInlineAndUrlsAsTheyAreAndRefusesASetTooLargeToSend() throws Exception {
        RunCommand.environment = Map.of("CLIPSTREAM_TOPIC_LABEL_SETS", "ls-examples");
        Files.write(dir.resolve("front.png"), new byte[] {1, 2, 3});
        Path file = dir.resolve("known.yaml");
        Files.writeString(file, """
                id: known
                version: 1
                labels:
                  - name: poster-17
                    threshold: 0.9
                    examples: [front.png, "https://cdn.example.com/poster-17.jpg"]
                """);
        assertThat(cli("labels", "put", file.toString())).as(console.err()).isZero();
        LabelSet onTopic = serdes.labelSet()
                .deserializer()
                .deserialize("ls-examples", readAll("ls-examples").get(0).value());
        Label poster = onTopic.getLabels().get(0);
        assertThat(poster.getExamples())
                .containsExactly(
                        new LabelExample(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), null),
                        new LabelExample(null, "https://cdn.example.com/poster-17.jpg"));
        int outBefore = console.out().length();
        assertThat(cli("labels", "get", "known")).isZero();
        JsonNode examples = JSON.readTree(console.out().substring(outBefore))
                .get("labels")
                .get(0)
                .get("examples");
        assertThat(examples.get(0).get("bytes").asInt()).isEqualTo(3);
        assertThat(examples.get(1).get("url").asText()).isEqualTo("https://cdn.example.com/poster-17.jpg");

        // under image.max.bytes, but the set is over what the producer sends (max.request.size, 1 MiB)
        Files.write(dir.resolve("large.png"), new byte[1_200_000]);
        Files.writeString(file, "id: known\nversion: 2\nlabels:\n  - name: poster-17\n    examples: [large.png]\n");
        assertThat(cli("labels", "put", file.toString())).isEqualTo(2);
        assertThat(console.err())
                .contains("error: label set known is ", "give large example images by URL", "nothing sent");
        assertThat(readAll("ls-examples")).hasSize(1);
    }

    @Test
    void labelsPutGetListDelete() throws Exception {
        RunCommand.environment = Map.of("CLIPSTREAM_TOPIC_LABEL_SETS", "ls-crud");
        Path file = dir.resolve("animals.yaml");
        Files.writeString(file, """
                # what the pet camera should look for
                id: animals
                version: 3
                description: pets
                templates: ["a photo of a {}.", "a blurry photo of a {}."]
                topK: 2
                labels:
                  - cat
                  - name: dog
                    threshold: 0.25
                  - name: bird
                    prompts: ["a bird on a branch"]
                """);
        assertThat(cli("labels", "put", file.toString())).as(console.err()).isZero();
        assertThat(console.err()).contains("sent label set animals version 3 (3 labels) to ls-crud");

        // On the topic: keyed by id, exactly the record the service reads, and valid by the service's rules.
        LabelSet expected = LabelSet.newBuilder()
                .setId("animals")
                .setVersion(3)
                .setDescription("pets")
                .setTemplates(List.of("a photo of a {}.", "a blurry photo of a {}."))
                .setTopK(2)
                .setLabels(List.of(
                        Label.newBuilder().setName("cat").build(),
                        Label.newBuilder().setName("dog").setThreshold(0.25f).build(),
                        Label.newBuilder()
                                .setName("bird")
                                .setPrompts(List.of("a bird on a branch"))
                                .build()))
                .build();
        List<ConsumerRecord<String, byte[]>> records = readAll("ls-crud");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("animals");
        LabelSet onTopic = serdes.labelSet()
                .deserializer()
                .deserialize("ls-crud", records.get(0).value());
        assertThat(onTopic).isEqualTo(expected);
        assertThat(LabelSetRules.of(TopologySettings.defaults()).problem("animals", onTopic))
                .isEmpty();

        // A second put without a version: the current time, so it is newer; get shows the latest.
        Path v2 = dir.resolve("animals2.json");
        Files.writeString(v2, "{\"id\": \"animals\", \"labels\": [\"cat\", \"dog\"]}");
        long before = System.currentTimeMillis();
        assertThat(cli("labels", "put", v2.toString())).as(console.err()).isZero();
        Files.writeString(dir.resolve("plants.yaml"), "id: plants\nversion: 1\nlabels: [fern]\n");
        assertThat(cli("labels", "put", dir.resolve("plants.yaml").toString())).isZero();

        int outBefore = console.out().length();
        assertThat(cli("labels", "get", "animals")).as(console.err()).isZero();
        JsonNode got = JSON.readTree(console.out().substring(outBefore));
        assertThat(got.get("id").asText()).isEqualTo("animals");
        assertThat(got.get("version").asLong()).isBetween(before, System.currentTimeMillis());
        assertThat(got.get("labels")).hasSize(2);
        assertThat(got.get("templates").get(0).asText()).isEqualTo("a photo of a {}.");

        outBefore = console.out().length();
        assertThat(cli("labels", "list")).isZero();
        String list = console.out().substring(outBefore);
        assertThat(list.lines().toList()).hasSize(3);
        assertThat(list)
                .containsPattern("animals\\s+" + got.get("version").asLong() + "\\s+2")
                .containsPattern("plants\\s+1\\s+1");

        assertThat(cli("labels", "delete", "animals")).isZero();
        List<ConsumerRecord<String, byte[]>> after = readAll("ls-crud");
        ConsumerRecord<String, byte[]> last = after.get(after.size() - 1);
        assertThat(last.key()).isEqualTo("animals");
        assertThat(last.value()).isNull(); // a tombstone
        assertThat(cli("labels", "get", "animals")).isEqualTo(1);
        assertThat(console.err()).contains("no label set animals on ls-crud (deleted at offset");
        outBefore = console.out().length();
        assertThat(cli("labels", "list", "--json")).isZero();
        assertThat(console.out().substring(outBefore).strip())
                .isEqualTo("{\"id\":\"plants\",\"version\":1,\"labels\":1}");
        assertThat(cli("labels", "get", "nobody")).isEqualTo(1);
    }

    @Test
    void invalidLabelSetExits2NamingTheLineAndSendsNothing() throws Exception {
        RunCommand.environment = Map.of("CLIPSTREAM_TOPIC_LABEL_SETS", "ls-invalid");
        Path duplicate = dir.resolve("dup.yaml");
        Files.writeString(duplicate, "id: s\nlabels:\n  - cat\n  - dog\n  - cat\n");
        assertThat(cli("labels", "put", duplicate.toString())).isEqualTo(2);
        assertThat(console.err())
                .contains(duplicate + ":5: duplicate label name \"cat\"")
                .contains("nothing sent");

        Path threshold = dir.resolve("threshold.yaml");
        Files.writeString(threshold, "id: s\nlabels:\n  - name: cat\n    threshold: 5.0\n");
        assertThat(cli("labels", "put", threshold.toString())).isEqualTo(2);
        assertThat(console.err())
                .contains(threshold + ":4: label \"cat\" has the threshold 5.0, outside the cosine range");
        assertThat(readAll("ls-invalid")).isEmpty();
    }

    @Test
    void sendsAFolderAndUrlsWithProgress() throws Exception {
        RunCommand.environment = Map.of("CLIPSTREAM_TOPIC_IMAGES", "img-send");
        Path folder = Files.createDirectories(dir.resolve("photos"));
        Map<String, byte[]> images = DemoData.images();
        Files.write(folder.resolve("c-red-circle.png"), images.get("red-circle"));
        Files.write(folder.resolve("a-blue-square.PNG"), images.get("blue-square"));
        Files.write(folder.resolve("b-diagram.png"), images.get("clip-diagram"));
        Files.writeString(folder.resolve("notes.txt"), "not an image");

        assertThat(cli(
                        "send",
                        folder.toString(),
                        "https://images.example/cat.jpg",
                        "--label-set",
                        "animals",
                        "--attribute",
                        "camera=porch",
                        "--attribute",
                        "run=7"))
                .as(console.err())
                .isZero();
        String err = console.err();
        assertThat(err)
                .contains("[1/4]")
                .contains("[4/4]")
                .contains("a-blue-square.PNG " + images.get("blue-square").length + " bytes")
                .contains("sent 4 of 4 images");
        assertThat(console.out().lines().toList()).hasSize(4);

        List<ConsumerRecord<String, byte[]>> records = readAll("img-send");
        assertThat(records)
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(
                        "a-blue-square.PNG", "b-diagram.png", "c-red-circle.png", "https://images.example/cat.jpg");
        Map<String, ImageEvent> events = new HashMap<>();
        records.forEach(
                r -> events.put(r.key(), serdes.imageEvent().deserializer().deserialize("img-send", r.value())));
        ImageEvent square = events.get("a-blue-square.PNG");
        assertThat(square.getId()).isEqualTo("a-blue-square.PNG");
        assertThat(square.getLabelSet()).isEqualTo("animals");
        assertThat(square.getAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of("camera", "porch", "run", "7"));
        assertThat(square.getContentType()).isEqualTo("image/png");
        assertThat(bytes(((InlineImage) square.getImage()).getData())).isEqualTo(images.get("blue-square"));
        assertThat(events.get("https://images.example/cat.jpg").getImage())
                .isEqualTo(new ImageUrl("https://images.example/cat.jpg"));
    }

    @Test
    void refusesFilesOverTheLimitBeforeSending() throws Exception {
        RunCommand.environment = Map.of(
                "CLIPSTREAM_TOPIC_IMAGES",
                "img-limit",
                "CLIPSTREAM_KAFKA_MAX_REQUEST_SIZE",
                "30000"); // kafka.* pass-through applies
        Path small = Files.write(dir.resolve("small.png"), new byte[1000]);
        Path big = Files.write(dir.resolve("big.png"), new byte[20_000]);
        assertThat(cli("send", small.toString(), big.toString())).isEqualTo(2);
        assertThat(console.err())
                .contains(big + " is 20000 bytes, over the limit of " + (30000 - SendCommand.HEADROOM))
                .contains("max.request.size 30000")
                .contains("nothing sent: 1 of 2 images too large");
        assertThat(readAll("img-limit")).isEmpty();
    }

    @Test
    void tailsClassificationsAndDeadLetters() throws Exception {
        RunCommand.environment =
                Map.of("CLIPSTREAM_TOPIC_CLASSIFICATIONS", "cls-tail", "CLIPSTREAM_TOPIC_DEAD_LETTERS", "dlq-tail");
        Instant t = Instant.parse("2026-12-02T20:00:00Z");
        Classification c = Classification.newBuilder()
                .setImageId("cat-1")
                .setLabelSet("animals")
                .setLabelSetVersion(3)
                .setModelId("tiny")
                .setTop(List.of(new LabelScore("cat", 0.31f, 0.9f), new LabelScore("dog", 0.2f, 0.1f)))
                .setFlagged(List.of(new LabelScore("cat", 0.31f, 0.9f)))
                .setEventTime(t)
                .setProcessingTime(t.plusMillis(250))
                .setAttributes(Map.of())
                .build();
        byte[] original = "not an image at all".getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.newBuilder()
                .setTopic("images")
                .setPartition(0)
                .setOffset(12)
                .setKey(ByteBuffer.wrap("junk-1".getBytes(StandardCharsets.UTF_8)))
                .setCode(ErrorCode.CORRUPT_IMAGE)
                .setStage(Stage.DECODE)
                .setMessage("no image format recognised")
                .setOriginal(ByteBuffer.wrap(original))
                .setOriginalSize(original.length)
                .setTime(t)
                .build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            "cls-tail",
                            "cat-1",
                            serdes.classification().serializer().serialize("cls-tail", c)))
                    .get();
            producer.send(new ProducerRecord<>(
                            "dlq-tail",
                            "junk-1",
                            serdes.deadLetter().serializer().serialize("dlq-tail", d)))
                    .get();
        }

        assertThat(cli("tail", "classifications", "--from-beginning", "--max", "1", "--timeout-ms", "20000"))
                .isZero();
        List<String> lines = console.out().lines().toList();
        assertThat(lines).hasSize(3); // header, units, one record
        assertThat(lines.get(2))
                .startsWith("cat-1")
                .contains("animals")
                .contains("250")
                .contains("cat 0.900")
                .contains("dog 0.100");

        int outBefore = console.out().length();
        assertThat(cli("tail", "dlq", "--from-beginning", "--json", "--timeout-ms", "3000"))
                .isZero();
        List<String> json = console.out().substring(outBefore).lines().toList();
        assertThat(json).hasSize(1);
        JsonNode dead = JSON.readTree(json.get(0));
        assertThat(dead.get("key").asText()).isEqualTo("junk-1");
        assertThat(dead.get("code").asText()).isEqualTo("CORRUPT_IMAGE");
        assertThat(dead.get("stage").asText()).isEqualTo("DECODE");
        assertThat(dead.get("sourceTopic").asText()).isEqualTo("images");
        assertThat(dead.get("sourceOffset").asLong()).isEqualTo(12);
        assertThat(dead.get("originalSize").asLong()).isEqualTo(original.length);
        assertThat(Base64.getDecoder().decode(dead.get("original").asText())).isEqualTo(original);
        assertThat(console.err()).contains("1 records from dlq-tail");

        // Without --from-beginning only new records: none come, so none are printed.
        outBefore = console.out().length();
        assertThat(cli("tail", "classifications", "--timeout-ms", "1500")).isZero();
        assertThat(console.out().substring(outBefore)).isEmpty();
        assertThat(console.err()).contains("0 records from cls-tail");

        outBefore = console.out().length();
        assertThat(cli("tail", "classifications", "--from-beginning", "--json", "--max", "1"))
                .isZero();
        JsonNode cls = JSON.readTree(console.out().substring(outBefore));
        assertThat(cls.get("image").asText()).isEqualTo("cat-1");
        assertThat(cls.get("flagged").get(0).asText()).isEqualTo("cat");
    }

    @Test
    void aPutLabelSetClassifiesSentImagesInTheRunningService() throws Exception {
        // The service in-process on the tiny random-weight model (scores are meaningless, the path is real), and
        // every command driven by the same properties file the service reads.
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 11);
        Path config = dir.resolve("clipstream.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "schema.registry.url=" + registry.url(),
                        "application.id=cli-e2e",
                        "state.dir=" + dir.resolve("state"),
                        "model.dir=" + model,
                        "http.bind.address=127.0.0.1",
                        "http.port=0",
                        "topics.partitions=1",
                        "topics.replication.factor=1",
                        "shutdown.timeout.ms=10000",
                        "image.batch.max.wait.ms=50",
                        "topic.label.sets=e2e-label-sets",
                        "topic.label.embeddings=e2e-label-embeddings",
                        "topic.images=e2e-images",
                        "topic.classifications=e2e-classifications",
                        "topic.image.embeddings=e2e-image-embeddings",
                        "topic.dead.letters=e2e-dlq",
                        ""));
        ServiceConfig settings = ServiceConfig.load(config, Map.of());
        Path labels = dir.resolve("pets.yaml");
        Files.writeString(
                labels, "id: pets\nversion: 5\ntopK: 2\nlabels:\n  - cat\n  - name: dog\n    threshold: -1\n");
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Files.write(photos.resolve("one.png"), DemoData.images().get("red-circle"));
        Files.write(photos.resolve("two.png"), DemoData.images().get("blue-square"));
        Files.write(photos.resolve("three.png"), "not an image".getBytes(StandardCharsets.UTF_8));
        try (Monitoring monitoring = Monitoring.start("127.0.0.1", 0);
                ClipstreamService service = ClipstreamService.start(
                        settings,
                        ClipModel.load(model),
                        monitoring.registry(),
                        monitoring.metrics(),
                        monitoring.health())) {
            assertThat(Main.run("labels", "put", labels.toString(), "--config", config.toString()))
                    .as(console.err())
                    .isZero();
            long deadline = System.currentTimeMillis() + 120_000;
            while (service.labels().labelsOf("pets") < 2) {
                assertThat(System.currentTimeMillis()).as("label set encoded").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(Main.run("send", photos.toString(), "--label-set", "pets", "--config", config.toString()))
                    .as(console.err())
                    .isZero();
            int outBefore = console.out().length();
            assertThat(Main.run(
                            "tail",
                            "classifications",
                            "--from-beginning",
                            "--json",
                            "--max",
                            "2",
                            "--timeout-ms",
                            "120000",
                            "--config",
                            config.toString()))
                    .isZero();
            List<JsonNode> classified = new ArrayList<>();
            for (String line : console.out().substring(outBefore).lines().toList()) {
                classified.add(JSON.readTree(line));
            }
            assertThat(classified)
                    .extracting(n -> n.get("image").asText())
                    .containsExactlyInAnyOrder("one.png", "two.png");
            for (JsonNode c : classified) {
                assertThat(c.get("labelSet").asText()).isEqualTo("pets");
                assertThat(c.get("labelSetVersion").asLong()).isEqualTo(5);
                assertThat(c.get("top")).hasSize(2);
                assertThat(c.get("flagged").toString()).contains("dog"); // threshold -1: always flagged
            }
            outBefore = console.out().length();
            assertThat(Main.run(
                            "tail",
                            "dlq",
                            "--from-beginning",
                            "--max",
                            "1",
                            "--timeout-ms",
                            "120000",
                            "--config",
                            config.toString()))
                    .isZero();
            assertThat(console.out().substring(outBefore)).contains("three.png").contains("CORRUPT_IMAGE");
            outBefore = console.out().length();
            assertThat(Main.run(
                            "tail",
                            "label-embeddings",
                            "--from-beginning",
                            "--max",
                            "2",
                            "--timeout-ms",
                            "30000",
                            "--config",
                            config.toString()))
                    .isZero();
            assertThat(console.out().substring(outBefore)).contains("pets/cat").contains("pets/dog");
        }
    }

    @Test
    void theReadmeJavaProducerWritesAnImageEventTheCliReads() throws Exception {
        String bootstrap = broker.bootstrapServers();
        String registryUrl = registry.url();
        Path jpeg = Files.write(dir.resolve("cat.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
        // As in README.md, "Producing from your code" (addresses and topic aside).
        var serde = RegistryAvroSerde.forClass(ImageEvent.class);
        serde.configure(Map.of("schema.registry.url", registryUrl), false);
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), serde.serializer())) {
            byte[] bytes = Files.readAllBytes(jpeg);
            ImageEvent event = ImageEvent.newBuilder()
                    .setId("cat.jpg")
                    .setEventTime(Instant.now())
                    .setImage(new InlineImage(ByteBuffer.wrap(bytes)))
                    .setContentType("image/jpeg")
                    .setLabelSet("animals")
                    .setAttributes(Map.of("camera", "porch"))
                    .build();
            producer.send(new ProducerRecord<>("readme-images", event.getId(), event))
                    .get();
        }
        List<ConsumerRecord<String, byte[]>> records = readAll("readme-images");
        assertThat(records).hasSize(1);
        ImageEvent read = serdes.imageEvent()
                .deserializer()
                .deserialize("readme-images", records.get(0).value());
        assertThat(read.getId()).isEqualTo("cat.jpg");
        assertThat(read.getAttributes()).containsEntry("camera", "porch");
    }

    /** Every committed record of a topic, in partition then offset order (empty when the topic does not exist). */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = ClusterClients.partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return out;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
