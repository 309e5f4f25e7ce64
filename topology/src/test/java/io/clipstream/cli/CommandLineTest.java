package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.ClipModel;
import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The model commands through {@link Main#run} on a generated tiny model: JSON Lines out, errors as single lines. */
class CommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path modelDir;
    private static ClipModel model;
    private static Path red;
    private static Path blue;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @BeforeAll
    static void model() throws Exception {
        modelDir = ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 3);
        model = ClipModel.load(modelDir);
        red = image("red.png", Color.RED);
        blue = image("blue.png", Color.BLUE);
    }

    @Test
    void tokenizePrintsSeventySevenIdsPerText() throws Exception {
        int code = Main.run("tokenize", "--model", modelDir.toString(), "--text", "Hello world", "--text", "a cat");
        assertThat(code).isZero();
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("text").asText()).isEqualTo("Hello world");
        assertThat(lines.get(1).get("ids")).hasSize(77);
        assertThat(ints(lines.get(1).get("ids")))
                .containsExactly(model.tokenizer().encode("a cat"));
    }

    @Test
    void embedKeepsTheInputOrderAndReportsABadFileWithoutStopping() throws Exception {
        int code = Main.run(
                "embed",
                "--model",
                modelDir.toString(),
                "--text",
                "a dog",
                "--image",
                red.toString(),
                "--image",
                dir.resolve("missing.png").toString(),
                "--text",
                "a cat");
        assertThat(code).isEqualTo(1);
        List<JsonNode> lines = lines();
        assertThat(lines)
                .extracting(l -> l.get("kind").asText() + ":" + l.get("input").asText())
                .containsExactly("text:a dog", "image:" + red, "text:a cat");
        assertThat(floats(lines.get(0).get("embedding"))).containsExactly(model.encodeTexts(List.of("a dog"))[0]);
        assertThat(floats(lines.get(1).get("embedding")))
                .containsExactly(model.encodeImages(List.of(model.preprocess(Files.readAllBytes(red))))[0]);
        assertThat(console.err()).contains("missing.png").contains("error:");
    }

    @Test
    void classifyGivesOpenClipsZeroShotScoresBestFirst() throws Exception {
        int code = Main.run(
                "classify",
                "--model",
                modelDir.toString(),
                "--label",
                "red circle",
                "--label",
                "blue circle",
                "--label",
                "diagram",
                "--templates",
                "simple",
                "--image",
                red.toString(),
                "--image",
                blue.toString());
        assertThat(code).isZero();
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        JsonNode scores = lines.get(1).get("labels");
        assertThat(scores).hasSize(3);
        double sum = 0;
        for (int i = 0; i < scores.size(); i++) {
            sum += scores.get(i).get("probability").asDouble();
            if (i > 0) {
                assertThat(scores.get(i).get("probability").asDouble())
                        .isLessThanOrEqualTo(
                                scores.get(i - 1).get("probability").asDouble());
            }
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

        List<String> labels = List.of("red circle", "blue circle", "diagram");
        float[][] classes = new float[3][];
        for (int i = 0; i < 3; i++) {
            classes[i] = ZeroShotClassifier.ensemble(model.encodeTexts(
                    io.clipstream.model.zeroshot.PromptTemplates.named("simple").fill(labels.get(i))));
        }
        var expected = new ZeroShotClassifier(labels, classes, ZeroShotClassifier.OPEN_CLIP_SCALE)
                .classify(model.encodeImages(List.of(model.preprocess(Files.readAllBytes(blue))))[0]);
        assertThat(scores.get(0).get("label").asText())
                .isEqualTo(expected.get(0).label());
        assertThat((float) scores.get(0).get("probability").asDouble())
                .isEqualTo(expected.get(0).probability());
    }

    @Test
    void aBrokenCheckpointIsOneClearErrorLine() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.copy(modelDir.resolve("tokenizer.json"), broken.resolve("tokenizer.json"));
        byte[] weights = Files.readAllBytes(modelDir.resolve("open_clip_model.safetensors"));
        Files.write(
                broken.resolve("open_clip_model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        int code = Main.run("embed", "--model", broken.toString(), "--text", "a dog");
        assertThat(code).isNotZero();
        assertThat(console.out()).isEmpty();
        assertThat(console.err().lines().filter(l -> l.startsWith("error:")).toList())
                .hasSize(1);
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(Main.run("tokenize", "--model", modelDir.toString(), "--text", "a", "--txet", "b"))
                .isEqualTo(2);
        assertThat(console.err()).contains("--txet");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void downloadFailsFastWhenTheEndpointCannotBeReached() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int code =
                Main.run("download", "--dir", dir.resolve("dl").toString(), "--endpoint", "http://127.0.0.1:" + port);
        assertThat(code).isNotZero();
        assertThat(console.err()).contains("cannot reach");
        assertThat(dir.resolve("dl/open_clip_pytorch_model.bin")).doesNotExist();
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : console.out().split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }

    private static Path image(String name, Color color) throws Exception {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 240);
        g.setColor(color);
        g.fillOval(100, 60, 120, 120);
        g.dispose();
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
