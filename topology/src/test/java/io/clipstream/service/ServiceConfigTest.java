package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.topology.StreamsSettings;
import io.clipstream.topology.TopologySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {
    private static final Map<String, String> REQUIRED =
            Map.of("bootstrap.servers", "kafka-1:9092,kafka-2:9092", "schema.registry.url", "http://registry:8081");

    @TempDir
    Path dir;

    @Test
    void autoStreamThreadsRunAsManyBatchesAsTheCpusHoldAtOnce() {
        assertThat(ServiceConfig.autoStreamThreads(8, "1")).isEqualTo(8);
        assertThat(ServiceConfig.autoStreamThreads(8, "2")).isEqualTo(4);
        assertThat(ServiceConfig.autoStreamThreads(8, "3")).isEqualTo(2);
        assertThat(ServiceConfig.autoStreamThreads(2, "4"))
                .as("more OpenMP threads than CPUs")
                .isEqualTo(1);
        assertThat(ServiceConfig.autoStreamThreads(8, null))
                .as("OpenMP takes every core for one batch")
                .isEqualTo(1);
        assertThat(ServiceConfig.autoStreamThreads(8, "many")).isEqualTo(1);
        assertThat(ServiceConfig.autoStreamThreads(8, "0")).isEqualTo(1);
        assertThat(ServiceConfig.autoStreamThreads(256, "1")).as("at most 64").isEqualTo(64);
    }

    @Test
    void aGivenNumberOfStreamThreadsIsKept() {
        Map<String, String> settings = new java.util.HashMap<>(
                Map.of("bootstrap.servers", "127.0.0.1:9092", "schema.registry.url", "http://127.0.0.1:8081"));
        settings.put("num.stream.threads", "3");
        assertThat(ServiceConfig.from(settings).streams().streamThreads()).isEqualTo(3);
        settings.put("num.stream.threads", "0");
        assertThatThrownBy(() -> ServiceConfig.from(settings)).hasMessageContaining("num.stream.threads");
    }

    @Test
    void defaultsMapOntoTheTopologysSettings() {
        ServiceConfig c = ServiceConfig.from(REQUIRED);
        assertThat(c.streams().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(c.streams().applicationId()).isEqualTo("clipstream");
        assertThat(c.streams().exactlyOnce()).isTrue();
        assertThat(c.topology().imagesTopic()).isEqualTo("images");
        assertThat(c.topology().deadLetterTopic())
                .isEqualTo("images-dlq")
                .isEqualTo(c.streams().deadLetterTopic());
        assertThat(c.topology().batchSize()).isEqualTo(8);
        assertThat(c.topology().maxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.topology().preprocessThreads())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.topology().fetch().enabled()).isFalse();
        assertThat(c.topology()).isEqualTo(TopologySettings.defaults());
        assertThat(c.streams())
                .isEqualTo(StreamsSettings.defaults(
                        "kafka-1:9092,kafka-2:9092", "http://registry:8081", Path.of("/tmp/clipstream-state")));
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.topics()).isEqualTo(new Topics.Policy(true, 3, (short) -1));
    }

    @Test
    void theFlaggedTopicIsOffByDefaultAndCreatedWithTheOthersWhenSet() {
        ServiceConfig off = ServiceConfig.from(REQUIRED);
        assertThat(off.topology().flaggedTopicEnabled()).isFalse();
        assertThat(Topics.wanted(off.topology())).hasSize(6);
        Map<String, String> values = new java.util.HashMap<>(REQUIRED);
        values.put("topic.flagged", "to-review");
        ServiceConfig on = ServiceConfig.from(values);
        assertThat(on.topology().flaggedTopic()).isEqualTo("to-review");
        assertThat(Topics.wanted(on.topology())).containsKey("to-review").hasSize(7);
        values.put("topic.flagged", "classifications");
        assertThatThrownBy(() -> ServiceConfig.from(values)).hasMessageContaining("every topic needs its own name");
        values.put("topic.flagged", "bad topic");
        assertThatThrownBy(() -> ServiceConfig.from(values))
                .hasMessageContaining("topic.flagged: not a valid topic name");
    }

    @Test
    void thePixelLimitIsBoundedByWhatTheHeapCanHold() {
        Map<String, String> values = new java.util.HashMap<>(REQUIRED);
        values.put("image.max.pixels", "100000000");
        assertThat(ServiceConfig.from(values).maxImagePixels()).isEqualTo(100_000_000L);
        values.put("image.max.pixels", "100000001");
        assertThatThrownBy(() -> ServiceConfig.from(values))
                .hasMessageContaining("image.max.pixels: must be between 1 and 100000000");
    }

    @Test
    void jpegDraftsAreOffByDefaultAndMustBeABoolean() {
        assertThat(ServiceConfig.from(REQUIRED).jpegDraft()).isFalse();
        Map<String, String> values = new java.util.HashMap<>(REQUIRED);
        values.put("image.jpeg.draft", "true");
        assertThat(ServiceConfig.from(values).jpegDraft()).isTrue();
        values.put("image.jpeg.draft", "fast");
        assertThatThrownBy(() -> ServiceConfig.from(values)).hasMessageContaining("image.jpeg.draft");
    }

    @Test
    void exampleImageLimitsAreReadAndBounded() {
        assertThat(ServiceConfig.from(REQUIRED).topology().examples())
                .isEqualTo(new TopologySettings.ExampleLimits(64, 1_000));
        Map<String, String> values = new java.util.HashMap<>(REQUIRED);
        values.put("label.max.examples", "0");
        values.put("label.set.max.examples", "10000");
        assertThat(ServiceConfig.from(values).topology().examples())
                .isEqualTo(new TopologySettings.ExampleLimits(0, 10_000));
        values.put("label.set.max.examples", "10001");
        assertThatThrownBy(() -> ServiceConfig.from(values)).hasMessageContaining("label.set.max.examples");
    }

    @Test
    void theQueryTokenIsOffByDefaultAndNeverDescribed() {
        assertThat(ServiceConfig.from(REQUIRED).httpAuthToken()).isEmpty();
        Map<String, String> values = new java.util.HashMap<>(REQUIRED);
        values.put("http.auth.token", "s3cret-T0ken");
        ServiceConfig c = ServiceConfig.from(values);
        assertThat(c.httpAuthToken()).isEqualTo("s3cret-T0ken");
        assertThat(c.describe()).contains("http.auth.token=[hidden]");
        assertThat(c.toString()).doesNotContain("s3cret-T0ken");
        values.put("http.auth.token", "two words");
        assertThatThrownBy(() -> ServiceConfig.from(values))
                .hasMessageContaining("http.auth.token: only visible ASCII")
                .message()
                .doesNotContain("two words");
    }

    @Test
    void settingsRenamedAwayFromKafkasNamesAreStillReadUnderTheirFormerNames() throws Exception {
        Path file = write("batch.size=16\nbatch.overlap=false\nimage.batch.max.wait.ms=70\nbatch.max.wait.ms=999\n"
                + "bootstrap.servers=kafka:9092\nschema.registry.url=http://r:8081\n");
        ServiceConfig c = ServiceConfig.load(file, Map.of());
        assertThat(c.topology().batchSize()).isEqualTo(16);
        assertThat(c.topology().overlapTower()).isFalse();
        assertThat(c.topology().maxWait()).as("the new name wins").isEqualTo(Duration.ofMillis(70));
        ServiceConfig env = ServiceConfig.load(
                null,
                Map.of(
                        "CLIPSTREAM_BATCH_SIZE",
                        "4",
                        "CLIPSTREAM_BOOTSTRAP_SERVERS",
                        "kafka:9092",
                        "CLIPSTREAM_SCHEMA_REGISTRY_URL",
                        "http://r:8081"));
        assertThat(env.topology().batchSize()).isEqualTo(4);
    }

    @Test
    void theEnvironmentOverridesTheFile() throws Exception {
        Path file = write("image.batch.size=16\nimage.batch.max.wait.ms=200\nbootstrap.servers=file:9092\n"
                + "schema.registry.url=http://r:8081\nprocessing.guarantee=at_least_once\n");
        ServiceConfig c = ServiceConfig.load(
                file,
                Map.of(
                        "CLIPSTREAM_IMAGE_BATCH_SIZE",
                        "32",
                        "CLIPSTREAM_TOPIC_IMAGES",
                        "cams",
                        "CLIPSTREAM_CACHE",
                        "/not/a/setting",
                        "PATH",
                        "/bin"));
        assertThat(c.topology().batchSize()).isEqualTo(32);
        assertThat(c.topology().maxWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.topology().imagesTopic()).isEqualTo("cams");
        assertThat(c.streams().bootstrapServers()).isEqualTo("file:9092");
        assertThat(c.streams().exactlyOnce()).isFalse();
        assertThat(c.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo("at_least_once");
    }

    @Test
    void kubernetesServiceLinkVariablesAndOtherUnknownVariablesAreIgnoredWithADebugLineEach() throws Exception {
        Path file = write("bootstrap.servers=kafka:9092\nschema.registry.url=http://registry:8081\n");
        Map<String, String> env = new java.util.TreeMap<>(Map.of(
                "CLIPSTREAM_SERVICE_HOST",
                "10.96.0.12",
                "CLIPSTREAM_SERVICE_PORT",
                "8080",
                "CLIPSTREAM_SERVICE_PORT_HTTP",
                "8080",
                "CLIPSTREAM_PORT",
                "tcp://10.96.0.12:8080",
                "CLIPSTREAM_PORT_8080_TCP",
                "tcp://10.96.0.12:8080",
                "CLIPSTREAM_PORT_8080_TCP_PROTO",
                "tcp",
                "CLIPSTREAM_PORT_8080_TCP_PORT",
                "8080",
                "CLIPSTREAM_PORT_8080_TCP_ADDR",
                "10.96.0.12",
                "CLIPSTREAM_IMAGE_BATCH_SIZE",
                "16"));
        // A Service named clipstream-kafka: its links look like pass-through Kafka keys but are not.
        env.put("CLIPSTREAM_KAFKA_SERVICE_HOST", "10.96.0.13");
        env.put("CLIPSTREAM_KAFKA_PORT_9092_TCP_ADDR", "10.96.0.13");
        env.put("CLIPSTREAM_SOMETHING_ELSE", "hunter2");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ServiceConfig.class);
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        ServiceConfig c;
        try {
            c = ServiceConfig.load(file, env);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(null);
        }
        assertThat(c.topology().batchSize()).isEqualTo(16);
        assertThat(c.kafka()).isEmpty();
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(lines.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .hasSize(11)
                .allMatch(m -> m.startsWith("ignoring environment variable CLIPSTREAM_")
                        && m.endsWith(": not a setting of clipstream"))
                .anyMatch(m -> m.contains("CLIPSTREAM_PORT_8080_TCP_ADDR"))
                .noneMatch(m -> m.contains("hunter2"));
        assertThat(lines.list).allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.DEBUG);
    }

    @Test
    void everyWrongSettingIsReportedOnceWithItsSource() throws Exception {
        Path file = write("bootstrap.servers=nohostport\nbatch.size=zero\nprocessing.guarantee=maybe\n"
                + "topic.images=bad topic!\nfetch.enabled=true\nbatchsize=8\nhttp.port=70000\n"
                + "kafka.application.id=other\nkafka.no.such.setting=1\n");
        assertThatThrownBy(() -> ServiceConfig.load(file, Map.of("CLIPSTREAM_TOPICS_REPLICATION_FACTOR", "0")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "batchsize: not a setting of clipstream (see docs/configuration.md) (from clipstream.properties)",
                                        "kafka.application.id: set by clipstream itself: use application.id (from clipstream.properties)",
                                        "kafka.no.such.setting: 'no.such.setting' is not a Kafka Streams, consumer, producer or admin setting (from clipstream.properties)",
                                        "schema.registry.url: required, set it in the file or as CLIPSTREAM_SCHEMA_REGISTRY_URL",
                                        "bootstrap.servers: expected host:port, got 'nohostport' (from clipstream.properties)",
                                        "processing.guarantee: expected one of exactly_once_v2, at_least_once, got 'maybe' (from clipstream.properties)",
                                        "topic.images: not a valid topic name: 'bad topic!' (letters, digits, '.', '_', '-'; at most 249) (from clipstream.properties)",
                                        "image.batch.size: expected a whole number, got 'zero' (from clipstream.properties)",
                                        "fetch.allowed.hosts: fetch.enabled=true needs at least one allowed host (default)",
                                        "http.port: must be between 0 and 65535, got 70000 (from clipstream.properties)",
                                        "topics.replication.factor: must be -1 (broker default) or at least 1, got 0 (from CLIPSTREAM_TOPICS_REPLICATION_FACTOR)"));
    }

    @Test
    void confluentSerdeSettingsPassThroughToTheSerdesAndTheExceptionHandlers() {
        ServiceConfig defaults = ServiceConfig.from(REQUIRED);
        assertThat(defaults.serdeConfig())
                .containsEntry("auto.register.schemas", "true")
                .containsEntry("use.latest.version", "false")
                .doesNotContainKeys("bearer.auth.token", "basic.auth.credentials.source");

        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("auto.register.schemas", "false");
        settings.put("use.latest.version", "true");
        settings.put("bearer.auth.credentials.source", "STATIC_TOKEN");
        settings.put("bearer.auth.token", "s3cret-token");
        ServiceConfig c = ServiceConfig.from(settings);
        for (Map<Object, Object> config :
                List.<Map<Object, Object>>of(new java.util.HashMap<>(c.serdeConfig()), c.streamsProperties())) {
            assertThat(config)
                    .containsEntry("auto.register.schemas", "false")
                    .containsEntry("use.latest.version", "true")
                    .containsEntry("bearer.auth.credentials.source", "STATIC_TOKEN")
                    .containsEntry("bearer.auth.token", "s3cret-token");
        }
        assertThat(io.clipstream.schemas.serde.RegistrySerdeConfig.from(c.serdeConfig()))
                .satisfies(s -> assertThat(s.autoRegister()).isFalse())
                .satisfies(s -> assertThat(s.useLatestVersion()).isTrue());
        assertThat(io.clipstream.schemas.registry.RegistryClientConfig.from(c.serdeConfig())
                        .bearerToken())
                .isEqualTo("s3cret-token");
        assertThat(String.join("\n", c.describe()))
                .doesNotContain("s3cret")
                .contains("bearer.auth.token=[hidden]")
                .contains("auto.register.schemas=false");

        Map<String, String> basic = new java.util.HashMap<>(REQUIRED);
        basic.put("basic.auth.credentials.source", "USER_INFO");
        basic.put("basic.auth.user.info", "reg:s3cret");
        assertThat(ServiceConfig.from(basic).serdeConfig())
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("basic.auth.user.info", "reg:s3cret");
        Map<String, String> fromUrl = new java.util.HashMap<>(REQUIRED);
        fromUrl.put("schema.registry.url", "http://reg:s3cret@registry:8081");
        fromUrl.put("basic.auth.credentials.source", "URL");
        assertThat(io.clipstream.schemas.registry.RegistryClientConfig.from(
                                ServiceConfig.from(fromUrl).serdeConfig())
                        .userInfo())
                .isEqualTo("reg:s3cret");
    }

    @Test
    void registryAuthMistakesAreReported() {
        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("auto.register.schemas", "no");
        settings.put("bearer.auth.credentials.source", "STATIC_TOKEN");
        settings.put("bearer.auth.token", "s3cret-token");
        settings.put("basic.auth.user.info", "reg:s3cret");
        assertThatThrownBy(() -> ServiceConfig.from(settings))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "auto.register.schemas: expected true or false, got 'no'",
                                        "bearer.auth.credentials.source: the registry takes one Authorization header: configure basic "
                                                + "auth or bearer auth, not both"));
        assertThatThrownBy(() -> ServiceConfig.from(Map.of(
                        "bootstrap.servers",
                        "k:9092",
                        "schema.registry.url",
                        "http://r:8081",
                        "bearer.auth.token",
                        "s3cret-token",
                        "basic.auth.credentials.source",
                        "URL")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "bearer.auth.token: needs bearer.auth.credentials.source=STATIC_TOKEN to be sent",
                                        "basic.auth.credentials.source: URL needs user:password@ in schema.registry.url")
                                .noneMatch(p -> p.contains("s3cret")));
    }

    @Test
    void kafkaAndRegistryPassThroughReachTheClientsAndSecretsAreNeverShown() {
        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("kafka.security.protocol", "SASL_SSL");
        settings.put("kafka.sasl.mechanism", "PLAIN");
        settings.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"s3cret-jaas\";");
        settings.put("kafka.ssl.truststore.password", "s3cret-trust");
        settings.put("kafka.producer.linger.ms", "20");
        settings.put("schema.registry.basic.auth.user.info", "reg:s3cret-user");
        settings.put("schema.registry.ssl.truststore.location", "/etc/ssl/registry.jks");
        ServiceConfig c = ServiceConfig.from(settings);

        Properties p = c.streamsProperties();
        assertThat(p.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.get("producer.linger.ms")).isEqualTo("20");
        assertThat(p.get("basic.auth.user.info")).isEqualTo("reg:s3cret-user");
        assertThat(c.serdeConfig())
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("schema.registry.ssl.truststore.location", "/etc/ssl/registry.jks")
                .containsEntry("schema.registry.url", "http://registry:8081");
        assertThat(c.adminConfig())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "kafka-1:9092,kafka-2:9092")
                .doesNotContainKey("producer.linger.ms");

        String shown = String.join("\n", c.describe()) + c;
        assertThat(shown)
                .doesNotContain("s3cret")
                .contains("kafka.sasl.jaas.config=[hidden]")
                .contains("schema.registry.basic.auth.user.info=[hidden]")
                .contains("kafka.security.protocol=SASL_SSL");
    }

    @Test
    void theServiceOwnsTheHandlersAndTheGuarantee() {
        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("kafka.processing.guarantee", "at_least_once");
        settings.put("kafka.default.deserialization.exception.handler", "x.Y");
        assertThatThrownBy(() -> ServiceConfig.from(settings))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems()).hasSize(2).allMatch(m -> m.contains("set by clipstream itself")));
    }

    @Test
    void topicsMustBeDistinct() {
        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("topic.classifications", "images");
        assertThatThrownBy(() -> ServiceConfig.from(settings)).hasMessageContaining("every topic needs its own name");
    }

    @Test
    void fetchSettingsReachTheTopology() {
        Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
        settings.put("fetch.enabled", "true");
        settings.put("fetch.allowed.hosts", " images.example.com, cdn.example.com ,");
        settings.put("fetch.read.timeout.ms", "2500");
        ServiceConfig c = ServiceConfig.from(settings);
        assertThat(c.topology().fetch().allowedHosts())
                .containsExactlyInAnyOrder("images.example.com", "cdn.example.com");
        assertThat(c.topology().fetch().readTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.topology().fetch().allowedAddresses()).isEmpty();
    }

    @Test
    void everyKeyHasAMeaningAndAUniqueEnvironmentName() {
        assertThat(ServiceConfig.KEYS)
                .extracting(ConfigKey::envName)
                .doesNotHaveDuplicates()
                .allMatch(n -> n.matches("CLIPSTREAM_[A-Z0-9_]+"));
        assertThat(ServiceConfig.KEYS).allMatch(k -> !k.meaning().isBlank());
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(file, text);
        return file;
    }
}
