package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.ClipModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clipstream-bench e2e} on a generated tiny model with a handful of images and one-second runs: every image comes
 * back classified and the JSON line has its fields. Nothing here asserts a speed.
 */
class E2eBenchTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunReportsEveryFigure() throws Exception {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 5);
        JsonNode result = run(
                "e2e",
                "--model",
                model.toString(),
                "--images",
                "6",
                "--batch",
                "2",
                "--seconds",
                "1",
                "--labels",
                "3",
                "--rate",
                "4",
                "--new-label-set",
                "5",
                "--timeout",
                "120");

        assertThat(result.get("bench").asText()).isEqualTo("e2e");
        for (String field : new String[] {"images_per_s", "tower_images_per_s", "ratio", "p50_ms", "p99_ms"}) {
            assertThat(result.get(field).asDouble()).as(field).isPositive();
        }
        assertThat(result.get("p50_ms").asDouble())
                .isLessThanOrEqualTo(result.get("p99_ms").asDouble());
        assertThat(result.get("peak_rss_mb").asLong()).isPositive();

        JsonNode half = result.get("rate_half");
        assertThat(half.get("offered_per_s").asDouble()).isEqualTo(4.0);
        assertThat(half.get("images").asInt()).isEqualTo(4);
        assertThat(half.get("p99_ms").asDouble()).isPositive();
        assertThat(half.has("missing")).as("every image classified").isFalse();

        JsonNode flood = result.get("flood");
        assertThat(flood.get("images").asInt()).isEqualTo(6);
        assertThat(flood.has("missing")).as("every image classified").isFalse();
        assertThat(flood.get("mean_batch").asDouble()).isBetween(1.0, 2.0);

        double shares = 0;
        for (Iterator<String> it = result.get("stream_thread_time").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("cpu_ms_per_image")) {
                shares += result.get("stream_thread_time").get(name).asDouble();
            }
        }
        assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(result.get("settings").get("batch").asInt()).isEqualTo(2);

        JsonNode during = result.get("label_set_during_flood");
        assertThat(during.get("labels").asInt()).isEqualTo(5);
        assertThat(during.get("images_per_s").asDouble()).isPositive();
        assertThat(during.get("label_set_ready_s").asDouble()).isPositive();
        assertThat(during.get("peak_rss_mb_after").asLong())
                .isGreaterThanOrEqualTo(during.get("peak_rss_mb_before").asLong());
        assertThat(during.get("flood").get("images").asInt()).isEqualTo(6);
        assertThat(during.get("flood").has("missing"))
                .as("every image classified")
                .isFalse();
    }

    @Test
    void withServiceProcessTheServiceRunsInAChildJvmMeasuredThroughItsMetrics() throws Exception {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 5);
        JsonNode result = run(
                "e2e",
                "--model",
                model.toString(),
                "--images",
                "6",
                "--batch",
                "2",
                "--seconds",
                "1",
                "--labels",
                "3",
                "--rate",
                "4",
                "--timeout",
                "120",
                "--service-process");

        assertThat(result.get("settings").get("service_process").asBoolean()).isTrue();
        assertThat(result.get("peak_rss_of").asText()).isEqualTo("the service process alone");
        assertThat(result.get("peak_rss_mb").asLong()).isPositive();
        JsonNode flood = result.get("flood");
        assertThat(flood.get("images").asInt()).isEqualTo(6);
        assertThat(flood.has("missing")).as("every image classified").isFalse();
        assertThat(flood.get("mean_batch").asDouble())
                .as("read from the child's /metrics")
                .isBetween(1.0, 2.0);
        assertThat(flood.get("tower_busy").asDouble()).isPositive();
        assertThat(result.has("stream_thread_time"))
                .as("not sampled across processes")
                .isFalse();
    }

    private static JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = BenchCommand.run(args);
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
