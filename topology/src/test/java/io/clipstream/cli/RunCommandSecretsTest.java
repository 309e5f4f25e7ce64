package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.clipstream.model.ClipModel;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.EmbeddedBroker;
import io.clipstream.service.LocalCluster;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real {@code run} command, in this JVM against an in-process broker and registry, with every kind of secret set
 * to a unique marker: no marker may show in any log line (Kafka's config dumps and stack traces included, every level
 * from DEBUG for clipstream and INFO for Kafka), on {@code /metrics}, {@code /health/*}, in a dead letter, or in the
 * command's error output. The registry is read-only and wants a bearer token, so the same run shows that
 * {@code auto.register.schemas=false} and {@code bearer.auth.token} reach every serde of the service.
 */
class RunCommandSecretsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path shared;

    private static LocalCluster cluster;
    private static EmbeddedBroker broker;
    private static SchemaRegistryHttpServer registry;
    private static Path model;

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger kafka = (Logger) LoggerFactory.getLogger("org.apache.kafka");
    private final Logger clipstream = (Logger) LoggerFactory.getLogger("io.clipstream");
    private Level kafkaLevel;
    private Map<String, String> originalEnv;
    private final Map<String, String> markers = new LinkedHashMap<>();

    @BeforeAll
    static void startBrokerAndRegistry() throws Exception {
        cluster = LocalCluster.start(shared, "secrets-" + UUID.randomUUID());
        broker = cluster.broker();
        registry = cluster.registry();
        model = ClipModel.writeTinyRandomModel(shared.resolve("model"), 3);
    }

    @AfterAll
    static void stop() {
        LocalCluster.close(cluster);
    }

    @BeforeEach
    void capture() {
        originalEnv = RunCommand.environment;
        kafkaLevel = kafka.getLevel();
        kafka.setLevel(Level.INFO); // Kafka's config dumps
        clipstream.setLevel(Level.DEBUG);
        lines.start();
        root.addAppender(lines);
    }

    @AfterEach
    void release() {
        root.detachAppender(lines);
        kafka.setLevel(kafkaLevel);
        clipstream.setLevel(null);
        RunCommand.environment = originalEnv;
    }

    /** A unique secret for {@code what}; the test fails if it shows anywhere. */
    private String marker(String what) {
        String m = "MARK" + markers.size() + "x" + UUID.randomUUID().toString().substring(0, 8);
        markers.put(m, what);
        return m;
    }

    @Test
    void noSecretReachesTheLogsTheEndpointsOrTheDeadLetters() throws Exception {
        int httpPort = freePort();
        String urlUser = marker("registry URL user");
        String urlPassword = marker("registry URL password");
        String registryUrl = registry.url().replace("http://", "http://" + urlUser + ":" + urlPassword + "@");
        String fetchToken = marker("image URL token");
        String bearerToken = marker("registry bearer token");
        // A governed registry: read-only, every schema registered beforehand, only requests with the token answered.
        for (Map.Entry<String, org.apache.avro.Schema> s : Map.of(
                        "images-value",
                        ImageEvent.getClassSchema(),
                        "label-sets-value",
                        io.clipstream.schemas.LabelSet.getClassSchema(),
                        "label-embeddings-value",
                        io.clipstream.schemas.LabelEmbedding.getClassSchema(),
                        "classifications-value",
                        io.clipstream.schemas.Classification.getClassSchema(),
                        "image-embeddings-value",
                        io.clipstream.schemas.ImageEmbedding.getClassSchema(),
                        "images-dlq-value",
                        DeadLetter.getClassSchema())
                .entrySet()) {
            registry.registry().register(s.getKey(), s.getValue());
        }
        registry.requireAuthorization("Bearer " + bearerToken).readOnly(true);
        Map<String, String> file = new LinkedHashMap<>();
        file.put("bootstrap.servers", broker.bootstrapServers());
        file.put("schema.registry.url", registryUrl);
        file.put("bearer.auth.credentials.source", "STATIC_TOKEN");
        file.put("auto.register.schemas", "false");
        file.put("schema.registry.ssl.truststore.password", marker("registry truststore password"));
        file.put("schema.registry.ssl.keystore.password", marker("registry keystore password"));
        file.put("schema.registry.ssl.key.password", marker("registry key password"));
        file.put("kafka.ssl.truststore.password", marker("Kafka truststore password"));
        file.put("kafka.ssl.keystore.password", marker("Kafka keystore password"));
        file.put("kafka.ssl.key.password", marker("Kafka key password"));
        file.put("application.id", "secrets");
        file.put("state.dir", dir.resolve("state").toString());
        file.put("model.dir", model.toString());
        file.put("http.bind.address", "127.0.0.1");
        file.put("http.port", String.valueOf(httpPort));
        file.put("topics.partitions", "1");
        file.put("topics.replication.factor", "1");
        file.put("fetch.enabled", "true");
        file.put("fetch.allowed.hosts", "127.0.0.1");
        file.put("fetch.allowed.addresses", "127.0.0.1");
        file.put("fetch.connect.timeout.ms", "500");
        file.put("fetch.read.timeout.ms", "500");
        file.put("shutdown.timeout.ms", "10000");
        Path config = write(file);
        // A JAAS entry from the environment, as Kubernetes secrets usually arrive (unused on PLAINTEXT: still a
        // secret).
        RunCommand.environment = Map.of(
                "CLIPSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\""
                        + marker("SASL JAAS password") + "\";",
                "CLIPSTREAM_BEARER_AUTH_TOKEN",
                bearerToken);

        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = new Thread(() -> exit.set(Main.run("run", "--config", config.toString())), "run-command");
        run.start();
        List<String> seen = new ArrayList<>();
        String dlqMessage;
        try {
            String base = "http://127.0.0.1:" + httpPort;
            waitFor(
                    () -> {
                        if (!run.isAlive()) {
                            throw new AssertionError("run exited with " + exit.get() + ":\n" + console.err());
                        }
                        return get(base + "/health/ready").statusCode() == 200;
                    },
                    "/health/ready");
            // One image by URL whose query carries a token: the fetch fails, the dead letter names the URL.
            RecordSerdes serdes = RecordSerdes.configured(Map.of(
                    "schema.registry.url",
                    registry.url(),
                    "bearer.auth.credentials.source",
                    "STATIC_TOKEN",
                    "bearer.auth.token",
                    bearerToken,
                    "auto.register.schemas",
                    "false"));
            ImageEvent event = ImageEvent.newBuilder()
                    .setId("img-1")
                    .setEventTime(Instant.now())
                    .setImage(ImageUrl.newBuilder()
                            .setUrl("http://127.0.0.1:" + freePort() + "/a.png?token=" + fetchToken)
                            .build())
                    .setContentType(null)
                    .setLabelSet("default")
                    .setAttributes(Map.of())
                    .build();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                "images",
                                "img-1".getBytes(StandardCharsets.UTF_8),
                                serdes.imageEvent().serializer().serialize("images", event)))
                        .get();
            }
            dlqMessage = deadLetterMessage(serdes);
            seen.add("dead letter: " + dlqMessage);
            for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
                seen.add(path + ": " + get(base + path).body());
            }
        } finally {
            run.interrupt();
            run.join(Duration.ofSeconds(60).toMillis());
            registry.requireAuthorization(null).readOnly(false);
        }
        assertThat(run.isAlive()).as("run stopped on interrupt").isFalse();
        assertThat(exit.get()).isZero();
        assertThat(dlqMessage).startsWith("FETCH_FAILED").contains("127.0.0.1").contains("token=[hidden]");
        assertThat(registry.unauthorized.get())
                .as("registry requests without the bearer token")
                .isZero();
        assertThat(registry.authorized.get()).isPositive();
        assertThat(registry.registry().versions("images-dlq-value"))
                .as("nothing registered")
                .hasSize(1);
        String log = logText();
        assertThat(log)
                .as("the grep has something to look at")
                .contains("setting schema.registry.url=http://[hidden]@")
                .contains("setting bearer.auth.token=[hidden]")
                .contains("setting auto.register.schemas=false")
                .contains("setting kafka.sasl.jaas.config=[hidden]")
                .contains("sasl.jaas.config = [hidden]"); // Kafka's own dump
        seen.add(log);
        seen.add(console.err());
        seen.add(console.out());
        assertNoMarker(seen);
    }

    @Test
    void anInvalidConfigurationDoesNotEchoSecrets() throws Exception {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("bootstrap.servers", "svc:" + marker("bootstrap password") + "@127.0.0.1:9092");
        file.put("schema.registry.url", "ftp://svc:" + marker("registry URL password") + "@127.0.0.1:8081");
        file.put("schema.registry.basic.auth.user.info", marker("registry user info without a colon"));
        file.put("kafka.ssl.truststore.password", marker("Kafka truststore password"));
        file.put("basic.auth.user.info", "svc:" + marker("registry basic auth password"));
        file.put("bearer.auth.token", marker("registry bearer token"));
        file.put("batch.size", "zero");
        Path config = write(file);
        RunCommand.environment = Map.of(
                "CLIPSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "x password=\"" + marker("JAAS") + "\";",
                "CLIPSTREAM_SCHEMA_REGISTRY_SSL_KEY_PASSWORD",
                marker("registry key password"));

        int code = Main.run("run", "--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(console.err())
                .contains("bootstrap.servers: expected host:port, got '[hidden]@127.0.0.1:9092'")
                .contains("got 'ftp://[hidden]@127.0.0.1:8081'")
                .contains("batch.size");
        assertNoMarker(List.of(console.err(), console.out(), logText()));
    }

    private void assertNoMarker(List<String> texts) {
        List<String> leaks = new ArrayList<>();
        for (String text : texts) {
            markers.forEach((marker, what) -> {
                int at = text.indexOf(marker);
                if (at >= 0) {
                    leaks.add(
                            what + " in: …" + text.substring(Math.max(0, at - 120), Math.min(text.length(), at + 40)));
                }
            });
        }
        assertThat(leaks).as("secrets that leaked").isEmpty();
    }

    private String logText() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(lines.list)) {
            all.append(e.getLevel())
                    .append(' ')
                    .append(e.getLoggerName())
                    .append(" - ")
                    .append(e.getFormattedMessage())
                    .append('\n');
            if (e.getThrowableProxy() != null) {
                all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return all.toString();
    }

    private Path write(Map<String, String> settings) throws IOException {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) ->
                text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(file, text);
        return file;
    }

    private static String deadLetterMessage(RecordSerdes serdes) throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "secrets-test-" + UUID.randomUUID()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("images-dlq"));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DeadLetter letter = serdes.deadLetter().deserializer().deserialize("images-dlq", r.value());
                    return letter.getCode() + " " + letter.getMessage();
                }
            }
            throw new AssertionError("no dead letter for the URL image");
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse(url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FailedResponse(url);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A connection that failed (nothing listening yet): status -1, empty body. */
    private record FailedResponse(String url) implements HttpResponse<String> {
        public int statusCode() {
            return -1;
        }

        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(url)).build();
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        public String body() {
            return "";
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return URI.create(url);
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
