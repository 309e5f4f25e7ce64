package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.service.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code clipstream run}'s start-up checks: a wrong configuration ends at once with every problem and exit code 2. */
class RunCommandTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private Map<String, String> originalEnv;

    @BeforeEach
    void keepEnvironment() {
        originalEnv = RunCommand.environment;
    }

    @AfterEach
    void restoreEnvironment() {
        RunCommand.environment = originalEnv;
    }

    @Test
    void everyWrongSettingIsPrintedAndTheExitCodeIsTwo() throws Exception {
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9092\nimage.batch.size=-3\nnum.stream.threads=many\n");
        RunCommand.environment = Map.of(
                "CLIPSTREAM_PROCESSING_GUARANTEE",
                "exactly_once",
                "CLIPSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "secret-jaas password=\"hunter2\"",
                "CLIPSTREAM_KAFKA_NOT_A_KEY",
                "1");
        int code = Main.run("run", "--config", file.toString());
        String stderr = console.err();
        assertThat(code).isEqualTo(2);
        assertThat(stderr)
                .contains("invalid configuration")
                .contains("schema.registry.url: required, set it in the file or as CLIPSTREAM_SCHEMA_REGISTRY_URL")
                .contains("image.batch.size: must be between 1 and 1024, got -3 (from clipstream.properties)")
                .contains("num.stream.threads: expected a whole number, got 'many' (from clipstream.properties)")
                .contains("processing.guarantee: expected one of exactly_once_v2, at_least_once, got 'exactly_once' "
                        + "(from CLIPSTREAM_PROCESSING_GUARANTEE)")
                .contains("kafka.not.a.key: 'not.a.key' is not a Kafka")
                .doesNotContain("hunter2");
        assertThat(stderr.lines().filter(l -> l.startsWith("  "))).hasSize(5);
    }

    @Test
    void theJpegDraftSettingReachesTheDecoder() {
        Map<String, String> values = new java.util.HashMap<>(
                Map.of("bootstrap.servers", "127.0.0.1:9092", "schema.registry.url", "http://127.0.0.1:8081"));
        assertThat(RunCommand.imageDecoder(ServiceConfig.from(values)).jpegDraft())
                .isFalse();
        values.put("image.jpeg.draft", "true");
        ImageDecoder drafting = RunCommand.imageDecoder(ServiceConfig.from(values));
        assertThat(drafting.jpegDraft()).isEqualTo(drafting.jpegDecoder().equals("libjpeg-turbo"));
    }

    @Test
    void aMissingConfigurationFileIsExitCodeTwo() {
        int code = Main.run("run", "--config", dir.resolve("nope.properties").toString());
        assertThat(code).isEqualTo(2);
        assertThat(console.err()).contains("no configuration file at").contains("nope.properties");
    }

    @Test
    void aKafkaClientThatCannotBeCreatedNamesItsCauseAndSettingWithoutTheSecret() throws Exception {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 1);
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n"
                        + "http.bind.address=127.0.0.1\nhttp.port=0\nmodel.dir=" + model + "\n"
                        + "state.dir=" + dir.resolve("state") + "\n"
                        + "kafka.security.protocol=SASL_PLAINTEXT\nkafka.sasl.mechanism=PLAIN\n");
        // The JAAS entry lacks its final ';'.
        RunCommand.environment = Map.of(
                "CLIPSTREAM_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"pw-42x\"");
        int code = Main.run("run", "--config", file.toString());
        String stderr = console.err();
        assertThat(code).as(stderr).isEqualTo(2);
        assertThat(stderr)
                .contains("error: cannot create the Kafka admin client: JAAS config entry not terminated by "
                        + "semi-colon (setting kafka.sasl.jaas.config)")
                .doesNotContain("pw-42x");
    }

    @Test
    void aWrongKafkaValueNamesTheSetting() throws Exception {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 1);
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n"
                        + "http.bind.address=127.0.0.1\nhttp.port=0\nmodel.dir=" + model + "\n"
                        + "state.dir=" + dir.resolve("state") + "\n"
                        + "kafka.security.protocol=SSL\nkafka.ssl.truststore.location=" + dir.resolve("no-such.p12")
                        + "\n"
                        + "kafka.ssl.truststore.password=trust-pw-77\nkafka.ssl.truststore.type=PKCS12\n");
        RunCommand.environment = Map.of();
        int code = Main.run("run", "--config", file.toString());
        String stderr = console.err();
        assertThat(code).as(stderr).isEqualTo(2);
        assertThat(stderr)
                .contains("error: cannot create the Kafka admin client: ")
                .contains("kafka.ssl.truststore.location")
                .doesNotContain("Failed to create new KafkaAdminClient")
                .doesNotContain("trust-pw-77");
    }

    @Test
    void kubernetesServiceLinkVariablesDoNotStopTheConfigurationFromLoading() throws Exception {
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(
                file,
                "schema.registry.url=http://127.0.0.1:1\nhttp.bind.address=127.0.0.1\nhttp.port=0\n" + "model.dir="
                        + dir.resolve("no-model") + "\n");
        RunCommand.environment = Map.of(
                "CLIPSTREAM_BOOTSTRAP_SERVERS",
                "127.0.0.1:1",
                "CLIPSTREAM_SERVICE_HOST",
                "10.96.0.12",
                "CLIPSTREAM_SERVICE_PORT",
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
                "10.96.0.12");
        int code = Main.run("run", "--config", file.toString());
        // Past the configuration (exit 2 before the change): it stops only for want of a model.
        assertThat(code).as(console.err()).isEqualTo(1);
        assertThat(console.err()).contains("no model at").doesNotContain("invalid configuration");
    }

    @Test
    void aValidConfigurationWithoutAModelSaysHowToGetOne() throws Exception {
        Path file = dir.resolve("clipstream.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n"
                        + "http.bind.address=127.0.0.1\nhttp.port=0\nmodel.dir=" + dir.resolve("no-model") + "\n");
        RunCommand.environment = Map.of();
        int code = Main.run("run", "--config", file.toString());
        assertThat(code).isEqualTo(1);
        assertThat(console.err()).contains("no model at").contains("clipstream download");
    }
}
