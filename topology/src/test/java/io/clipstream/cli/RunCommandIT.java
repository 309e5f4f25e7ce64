package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.DemoData;
import io.clipstream.service.EmbeddedBroker;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.RecordSerdes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clipstream run} as a real process: it creates its topics, turns ready, classifies, and on SIGTERM closes
 * Kafka Streams cleanly, with every image offset committed.
 */
class RunCommandIT {
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void runsAndShutsDownGracefullyOnSigterm() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0);
                SchemaRegistryHttpServer registry =
                        SchemaRegistryHttpServer.start(InMemorySchemaRegistry.forScope("run-it"), "127.0.0.1", 0)) {
            Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 11);
            int httpPort = freePort();
            Path config = dir.resolve("clipstream.properties");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "schema.registry.url=" + registry.url(),
                            "application.id=run-it",
                            "state.dir=" + dir.resolve("state"),
                            "model.dir=" + model,
                            "http.bind.address=127.0.0.1",
                            "http.port=" + httpPort,
                            "topics.partitions=2",
                            "topics.replication.factor=1",
                            "shutdown.timeout.ms=20000",
                            ""));
            Path log = dir.resolve("run.log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx1g",
                            "-cp",
                            classpath,
                            Main.class.getName(),
                            "run",
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("CLIPSTREAM_"));
            builder.environment().put("CLIPSTREAM_BOOTSTRAP_SERVERS", broker.bootstrapServers()); // env beats file
            Process process = builder.start();
            try {
                String ready = "http://127.0.0.1:" + httpPort + "/health/ready";
                waitFor(
                        () -> {
                            if (!process.isAlive()) {
                                throw new AssertionError("run exited early:\n" + read(log));
                            }
                            return status(ready) == 200;
                        },
                        "ready; log " + log);

                ServiceConfig settings = ServiceConfig.from(
                        Map.of("bootstrap.servers", broker.bootstrapServers(), "schema.registry.url", registry.url()));
                RecordSerdes serdes = RecordSerdes.configured(settings.serdeConfig());
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(
                                    "label-sets",
                                    bytes(DemoData.LABEL_SET),
                                    serdes.labelSet().serializer().serialize("label-sets", DemoData.labelSet())))
                            .get();
                    waitFor(
                            () -> metric("http://127.0.0.1:" + httpPort + "/metrics", "clipstream_labels ")
                                    >= DemoData.LABELS.size(),
                            "the label set in the label table");
                    for (Map.Entry<String, byte[]> image : DemoData.images().entrySet()) {
                        producer.send(new ProducerRecord<>(
                                "images",
                                bytes(image.getKey()),
                                serdes.imageEvent()
                                        .serializer()
                                        .serialize(
                                                "images",
                                                DemoData.event(image.getKey(), image.getValue(), Instant.now()))));
                    }
                    producer.flush();
                }
                waitFor(
                        () -> committedClassifications(broker)
                                >= DemoData.images().size(),
                        "the classifications");
            } finally {
                process.destroy(); // SIGTERM
            }
            int code = process.waitFor();
            String output = read(log);
            assertThat(code).as(output).isEqualTo(143); // 128 + SIGTERM, after the hooks ran
            assertThat(output)
                    .contains("stop requested")
                    .contains("PENDING_SHUTDOWN -> NOT_RUNNING")
                    .doesNotContain("did not close within");
            assertThat(imagesFullyCommitted(broker)).isTrue();
        }
    }

    private static long committedClassifications(EmbeddedBroker broker) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("classifications").stream()
                    .map(p -> new TopicPartition("classifications", p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            for (int i = 0; i < 5; i++) {
                count += consumer.poll(Duration.ofMillis(300)).count();
            }
            return count;
        }
    }

    private static boolean imagesFullyCommitted(EmbeddedBroker broker) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("run-it")
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition("images", p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .allMatch(e -> e.getValue().offset() == 0
                            || (committed.get(e.getKey()) != null
                                    && committed.get(e.getKey()).offset()
                                            >= e.getValue().offset()));
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private double metric(String url, String prefix) {
        try {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines()
                    .filter(l -> l.startsWith(prefix))
                    .mapToDouble(
                            l -> Double.parseDouble(l.substring(prefix.length()).trim()))
                    .findFirst()
                    .orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
