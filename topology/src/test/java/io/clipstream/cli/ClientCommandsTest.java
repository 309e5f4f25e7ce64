package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** labels, send and tail refuse bad settings and bad input before they contact any broker or registry. */
class ClientCommandsTest {
    /** Nothing listens here: a command that tried to connect would hang or fail differently. */
    private static final String[] NOWHERE = {
        "--bootstrap-server", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1"
    };

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path dir;

    private Map<String, String> originalEnv;

    @BeforeEach
    void clearEnv() {
        originalEnv = RunCommand.environment;
        RunCommand.environment = Map.of();
    }

    @AfterEach
    void restoreEnv() {
        RunCommand.environment = originalEnv;
    }

    /** The command line followed by the connection flags. */
    private static String[] with(String[] flags, String... command) {
        String[] all = java.util.Arrays.copyOf(command, command.length + flags.length);
        System.arraycopy(flags, 0, all, command.length, flags.length);
        return all;
    }

    @Test
    void missingOrInvalidSettingsExit2WithoutSecrets() {
        assertThat(Main.run("labels", "list")).isEqualTo(2);
        assertThat(console.err()).contains("bootstrap.servers").contains("schema.registry.url");

        assertThat(Main.run(
                        "tail",
                        "dlq",
                        "--bootstrap-server",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "ftp://alice:s3cret-pw@registry"))
                .isEqualTo(2);
        assertThat(console.err()).contains("schema.registry.url").doesNotContain("s3cret-pw");

        assertThat(Main.run(
                        "send",
                        "x.png",
                        "--config",
                        dir.resolve("missing.properties").toString()))
                .isEqualTo(1);
        assertThat(console.err()).contains("no such file: " + dir.resolve("missing.properties"));
    }

    @Test
    void environmentAndFileApplyAndFlagsWin() throws Exception {
        Path config = dir.resolve("c.properties");
        Files.writeString(
                config,
                "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n" + "topic.images=from-file\n");
        RunCommand.environment = Map.of("CLIPSTREAM_TOPIC_IMAGES", "from-env");
        ClusterOptions options = new ClusterOptions();
        options.config = config;
        options.bootstrapServer = "127.0.0.1:2";
        var settings = options.load();
        assertThat(settings.topology().imagesTopic()).isEqualTo("from-env");
        assertThat(settings.streams().bootstrapServers()).isEqualTo("127.0.0.1:2");
        assertThat(settings.streams().schemaRegistryUrl()).isEqualTo("http://127.0.0.1:1");
    }

    @Test
    void invalidLabelSetIsRefusedBeforeConnecting() throws Exception {
        Path file = Files.writeString(dir.resolve("s.yaml"), "id: s\nlabels:\n  - name: cat\n    threshold: 5.0\n");
        assertThat(Main.run(with(NOWHERE, "labels", "put", file.toString()))).isEqualTo(2);
        assertThat(console.err())
                .contains(file + ":4: label \"cat\" has the threshold 5.0")
                .contains("nothing sent");
    }

    @Test
    void sendRefusesMissingInputsAndEmptyFolders() throws Exception {
        assertThat(Main.run(with(NOWHERE, "send", dir.resolve("nope.jpg").toString())))
                .isEqualTo(2);
        assertThat(console.err()).contains("no such file, folder or http(s) URL: " + dir.resolve("nope.jpg"));
        Files.writeString(dir.resolve("readme.txt"), "text");
        assertThat(Main.run(with(NOWHERE, "send", dir.toString()))).isEqualTo(2);
        assertThat(console.err()).contains("no image files in");
    }

    @Test
    void tailNamesTheTopicsItKnows() {
        assertThat(Main.run(with(NOWHERE, "tail", "images"))).isEqualTo(2);
        assertThat(console.err()).contains("expected classifications, dlq or label-embeddings, got 'images'");
    }
}
