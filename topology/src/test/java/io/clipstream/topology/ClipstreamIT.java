package io.clipstream.topology;

import static io.clipstream.topology.Harness.bytes;
import static io.clipstream.topology.Harness.inline;
import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.EmbeddedBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real KRaft broker on 127.0.0.1 and the registry HTTP server: the service runs in a child JVM,
 * is killed without warning mid-stream and restarted as two instances sharing the partitions; every input then has
 * exactly one classification or dead letter (read committed), none twice.
 */
class ClipstreamIT {
    private static final String SCOPE = "clipstream-it";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final TopologySettings TOPICS = TopologySettings.defaults();

    @TempDir
    static Path dir;

    private static EmbeddedBroker kafka;
    private static SchemaRegistryHttpServer registry;
    private static Path modelDir;
    private static RecordSerdes serdes;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedBroker.start(dir.resolve("kafka"), 0);
        registry = SchemaRegistryHttpServer.start(InMemorySchemaRegistry.forScope(SCOPE), "127.0.0.1", 0);
        modelDir = ClipModel.writeTinyRandomModel(dir.resolve("model"), 7);
        serdes = RecordSerdes.configured(Map.of("schema.registry.url", "mock://" + SCOPE));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, String> compacted = Map.of("cleanup.policy", "compact");
            admin.createTopics(List.of(
                            new NewTopic(TOPICS.labelSetsTopic(), 1, (short) 1).configs(compacted),
                            new NewTopic(TOPICS.labelEmbeddingsTopic(), 2, (short) 1).configs(compacted),
                            new NewTopic(TOPICS.imagesTopic(), 3, (short) 1),
                            new NewTopic(TOPICS.classificationsTopic(), 3, (short) 1),
                            new NewTopic(TOPICS.imageEmbeddingsTopic(), 1, (short) 1),
                            new NewTopic(TOPICS.deadLetterTopic(), 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyImageEndsExactlyOnceAcrossAKillAndRestart() throws Exception {
        Path stateDir = dir.resolve("state");
        try (KafkaProducer<byte[], byte[]> producer = producer();
                Outputs outputs = new Outputs()) {
            Process app = startApp(stateDir, "first");
            LabelSet set = labelSet("s", 1, List.of("a photo of a {}.", "a drawing of a {}."), "cat", "dog", "bird");
            send(
                    producer,
                    TOPICS.labelSetsTopic(),
                    "s",
                    serdes.labelSet().serializer().serialize("label-sets", set));

            // Probe until the label set has reached the global store; every probe is an input too.
            Map<String, ErrorCode> expectedDead = new HashMap<>();
            List<String> inputs = new ArrayList<>();
            for (int probe = 0; ; probe++) {
                String id = "probe-" + probe;
                inputs.add(id);
                send(producer, TOPICS.imagesTopic(), id, event(inline(id, "s", TinyClip.png(probe, 32, 32))));
                waitFor(() -> outputs.poll().containsKey(id), "an output for " + id);
                if (outputs.classified.contains(id)) {
                    break;
                }
            }
            int good = 0;
            for (int i = 0; i < 320; i++) {
                String id = "img-" + i;
                byte[] value;
                if (i % 40 == 7) {
                    value = event(inline(id, "s", Arrays.copyOf(TinyClip.png(i, 96, 96), 40)));
                    expectedDead.put(id, ErrorCode.CORRUPT_IMAGE);
                } else if (i % 40 == 19) {
                    value = event(inline(id, "no-such-set", TinyClip.png(i, 96, 96)));
                    expectedDead.put(id, ErrorCode.UNKNOWN_LABEL_SET);
                } else if (i % 40 == 31) {
                    value = ("garbage " + i).getBytes(StandardCharsets.UTF_8);
                    expectedDead.put(id, ErrorCode.UNREADABLE_RECORD);
                } else {
                    value = event(inline(id, "s", TinyClip.png(i, 96, 96)));
                    good++;
                }
                inputs.add(id);
                send(producer, TOPICS.imagesTopic(), id, value);
            }
            producer.flush();

            waitFor(() -> outputs.poll().size() >= inputs.size() / 5, "a fifth of the outputs");
            app.destroyForcibly().waitFor();
            int seenAtKill = outputs.poll().size();
            assertThat(seenAtKill).as("the kill must come mid-stream").isLessThan(inputs.size());
            System.out.printf("killed the application with %d of %d inputs answered%n", seenAtKill, inputs.size());

            // Restart as two instances: one on the killed instance's state, one with none (restores from changelogs).
            Process second = startApp(stateDir, "second");
            Process third = startApp(dir.resolve("state-third"), "third");
            try {
                waitFor(() -> outputs.poll().keySet().containsAll(inputs), "an output for every input");
                waitFor(this::allImagesCommitted, "the application to commit every image offset");
                waitFor(this::twoMembersShareTheWork, "both instances to own partitions");
                outputs.poll();
            } finally {
                second.destroyForcibly().waitFor();
                third.destroyForcibly().waitFor();
            }

            Map<String, Integer> duplicates = outputs.count.entrySet().stream()
                    .filter(e -> e.getValue() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
            assertThat(duplicates).as("inputs with more than one output").isEmpty();
            assertThat(outputs.count.keySet()).containsExactlyInAnyOrderElementsOf(inputs);
            assertThat(outputs.deadCodes).containsAllEntriesOf(expectedDead);
            assertThat(outputs.deadCodes.keySet())
                    .allMatch(id -> expectedDead.containsKey(id) || id.startsWith("probe-"));
            assertThat(outputs.classified.stream().filter(id -> id.startsWith("img-")))
                    .hasSize(good);
        }
    }

    private boolean twoMembersShareTheWork() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var group = admin.describeConsumerGroups(List.of("clipstream-it"))
                    .all()
                    .get()
                    .get("clipstream-it");
            return group.members().size() == 2
                    && group.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    private boolean allImagesCommitted() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("clipstream-it")
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                latest.put(new TopicPartition(TOPICS.imagesTopic(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream()
                    .allMatch(e -> committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset()
                                    >= e.getValue().offset());
        } catch (Exception e) {
            return false;
        }
    }

    private Process startApp(Path stateDir, String name) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("app-" + name + ".log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-cp",
                        classpath,
                        ChildApp.class.getName(),
                        kafka.bootstrapServers(),
                        registry.url(),
                        modelDir.toString(),
                        stateDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        waitFor(
                () -> {
                    String text = read(log);
                    if (!process.isAlive() || text.contains("\nERROR")) {
                        throw new AssertionError("the application failed:\n" + text);
                    }
                    return text.contains("RUNNING");
                },
                "the application (" + name + ") to run; log " + log);
        return process;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] event(ImageEvent e) {
        return serdes.imageEvent().serializer().serialize(TOPICS.imagesTopic(), e);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, bytes(key), value)).get();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
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

    /** Everything committed to the classification and dead-letter topics, counted per input key. */
    private static final class Outputs implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final Map<String, Integer> count = new HashMap<>();
        final Set<String> classified = new java.util.HashSet<>();
        final Map<String, ErrorCode> deadCodes = new HashMap<>();

        Outputs() {
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            kafka.bootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                partitions.add(new TopicPartition(TOPICS.classificationsTopic(), p));
            }
            partitions.add(new TopicPartition(TOPICS.deadLetterTopic(), 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        Map<String, Integer> poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String id = new String(r.key(), StandardCharsets.UTF_8);
                count.merge(id, 1, Integer::sum);
                if (r.topic().equals(TOPICS.deadLetterTopic())) {
                    DeadLetter dead = serdes.deadLetter().deserializer().deserialize(r.topic(), r.value());
                    deadCodes.put(id, dead.getCode());
                } else {
                    classified.add(id);
                }
            }
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
