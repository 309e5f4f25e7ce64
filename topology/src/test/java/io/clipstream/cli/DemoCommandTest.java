package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.service.DemoData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code clipstream demo} end to end in this JVM: embedded broker, registry over HTTP, service, tiny random model. */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void onceWithTheTinyRandomModelPrintsAClassificationForEveryDemoImage() throws Exception {
        int code = Main.run("demo", "--once", "--tiny-random-model", "--json",
                "--port", "0", "--registry-port", "0", "--http-port", "0", "--timeout", "240");
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; stderr:\n%s", stderr).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).extracting(l -> l.get("image").asText())
                .containsExactlyInAnyOrderElementsOf(DemoData.images().keySet());
        for (JsonNode line : lines) {
            assertThat(line.has("deadLetter")).as("dead letter: %s", line).isFalse();
            assertThat(line.get("labelSet").asText()).isEqualTo(DemoData.LABEL_SET);
            assertThat(line.get("top")).hasSize(3);        // the demo runs with top.k=3
            double previous = 1;
            for (JsonNode score : line.get("top")) {
                assertThat(score.get("label").asText()).isIn(DemoData.LABELS);
                double p = score.get("probability").asDouble();
                assertThat(p).isBetween(0.0, previous);
                previous = p;
            }
        }
        assertThat(stderr).contains("RANDOM WEIGHTS").contains("MEANINGLESS")
                .contains("encoding label set").contains("loading model");
    }

    @Test
    void aTakenPortIsNamedWithItsOption() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = Main.run("demo", "--once", "--tiny-random-model", "--port", "0", "--registry-port", "0",
                    "--http-port", String.valueOf(taken.getLocalPort()));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use: choose another with --http-port");
        }
    }

    @Test
    void withoutAModelItOffersTheDownloadAndTheTinyModel() {
        int code = Main.run("demo", "--once", "--model", "/nonexistent/clipstream-model", "--port", "0");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no model at /nonexistent/clipstream-model")
                .contains("clipstream download").contains("--tiny-random-model");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
