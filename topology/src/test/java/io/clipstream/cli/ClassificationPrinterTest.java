package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationPrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void tableHasOneHeaderThenARowPerClassification() {
        ClassificationPrinter printer = new ClassificationPrinter(out, false);
        printer.classification("red-circle", classification());
        printer.classification("blue-square", classification());
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("IMAGE").contains("TOP LABELS");
        assertThat(lines.get(2))
                .startsWith("red-circle")
                .contains("demo")
                .contains(" 250 ")
                .endsWith("a red circle 0.900  a cat 0.100");
    }

    @Test
    void jsonLinesCarryScoresAndLatency() throws Exception {
        ClassificationPrinter printer = new ClassificationPrinter(out, true);
        printer.classification("red-circle", classification());
        printer.deadLetter(
                "broken",
                DeadLetter.newBuilder()
                        .setCode(ErrorCode.CORRUPT_IMAGE)
                        .setStage(Stage.DECODE)
                        .setMessage("not a PNG")
                        .setTopic("images")
                        .setPartition(0)
                        .setOffset(3)
                        .setKey(ByteBuffer.wrap(new byte[0]))
                        .setOriginal(null)
                        .setTime(Instant.EPOCH)
                        .build());
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("image").asText()).isEqualTo("red-circle");
        assertThat(first.get("latencyMs").asLong()).isEqualTo(250);
        assertThat(first.get("top").get(0).get("label").asText()).isEqualTo("a red circle");
        assertThat(first.get("top").get(0).get("probability").asDouble())
                .isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("deadLetter").asText()).isEqualTo("CORRUPT_IMAGE");
        assertThat(second.get("message").asText()).isEqualTo("not a PNG");
    }

    private static Classification classification() {
        Instant event = Instant.parse("2026-01-01T00:00:00Z");
        return Classification.newBuilder()
                .setImageId("red-circle")
                .setLabelSet("demo")
                .setLabelSetVersion(1)
                .setModelId("m")
                .setTop(List.of(score("a red circle", 0.9f), score("a cat", 0.1f)))
                .setFlagged(List.of())
                .setEventTime(event)
                .setProcessingTime(event.plusMillis(250))
                .setAttributes(Map.of())
                .build();
    }

    private static LabelScore score(String label, float p) {
        return LabelScore.newBuilder()
                .setLabel(label)
                .setProbability(p)
                .setSimilarity(0.3f)
                .build();
    }
}
