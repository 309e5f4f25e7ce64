package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.service.DemoData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code clipstream demo} end to end in this JVM: embedded broker, registry over HTTP, service, tiny random model. */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void onceWithTheTinyRandomModelPrintsAClassificationForEveryDemoImage() throws Exception {
        int code = Main.run(
                "demo",
                "--once",
                "--tiny-random-model",
                "--json",
                "--port",
                "0",
                "--registry-port",
                "0",
                "--http-port",
                "0",
                "--timeout",
                "240");
        String stderr = console.err();
        assertThat(code).as("exit code; stderr:\n%s", stderr).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : console.out().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines)
                .extracting(l -> l.get("image").asText())
                .containsExactlyInAnyOrderElementsOf(DemoData.images().keySet());
        for (JsonNode line : lines) {
            assertThat(line.has("deadLetter")).as("dead letter: %s", line).isFalse();
            assertThat(line.get("labelSet").asText()).isEqualTo(DemoData.LABEL_SET);
            assertThat(line.get("top")).hasSize(3); // the demo runs with top.k=3
            double previous = 1;
            for (JsonNode score : line.get("top")) {
                assertThat(score.get("label").asText()).isIn(DemoData.LABELS);
                double p = score.get("probability").asDouble();
                assertThat(p).isBetween(0.0, previous);
                previous = p;
            }
        }
        assertThat(stderr)
                .contains("RANDOM WEIGHTS")
                .contains("MEANINGLESS")
                .contains("encoding label set")
                .contains("loading model")
                .containsPattern("curl -s 'http://127\\.0\\.0\\.1:\\d+/v1/search\\?q=a%20cat&k=3'");
    }

    @Test
    void aTakenPortIsNamedWithItsOption() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = Main.run(
                    "demo",
                    "--once",
                    "--tiny-random-model",
                    "--port",
                    "0",
                    "--registry-port",
                    "0",
                    "--http-port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(code).isEqualTo(1);
            assertThat(console.err())
                    .contains("error: port " + taken.getLocalPort()
                            + " on 127.0.0.1 is in use: choose another with --http-port");
        }
    }

    @Test
    void withoutAModelItOffersTheDownloadAndTheTinyModel() {
        int code = Main.run("demo", "--once", "--model", "/nonexistent/clipstream-model", "--port", "0");
        assertThat(code).isEqualTo(1);
        assertThat(console.err())
                .contains("no model at /nonexistent/clipstream-model")
                .contains("clipstream download")
                .contains("--tiny-random-model");
        assertThat(console.out()).isEmpty();
    }
}
