package io.clipstream.topology;

import static io.clipstream.topology.Harness.inline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.clipstream.model.image.ClipPreprocessor;
import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.TopologySettings.FetchSettings;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels defined by example images, through the whole topology (TopologyTestDriver): a label defined by three
 * photographs of one item (one of them given by URL, fetched through the fetch guard) flags a near-copy of one of
 * them, cropped by 5 % on each side and re-encoded as a JPEG of quality 0.6, and does not flag an unrelated image.
 *
 * <p>The tiny random-weight model cannot tell them apart: against such a label every image scores a cosine of
 * 0.998 to 1.000 (measured while writing this test, five seeds, three different pictures as a label's examples:
 * near-copies 0.9990–0.9999, unrelated pictures and random blocks 0.9977–1.0000), so no threshold separates them.
 * The flagging test therefore runs the image step on a stand-in tower: the real decode and preprocessing (the tiny
 * model's {@code ClipPreprocessor}), then a fixed projection of the pixels (8×8 average pooling per channel, centred)
 * whose cosines do mean something (five seeds, three photographs of one item as the examples: near-copies
 * 0.93–0.98, unrelated pictures at most 0.66). The threshold is set from the scores the topology computed, halfway between the
 * near-copy's and the unrelated image's, with a margin asserted. The tiny model itself is checked for what it can
 * show: the label embedding the topology writes is the ensemble of the model's own example embeddings.
 */
class LabelExamplesTopologyTest {
    private static final Duration LONG = Duration.ofHours(1);
    /** The smallest gap between near-copy and unrelated scores the threshold is placed in. */
    private static final double MARGIN = 0.2;

    @TempDir
    Path stateDir;

    private HttpServer server;
    private String base;
    private final Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
        server.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TopologySettings settings() {
        FetchSettings fetch = new FetchSettings(
                true, Set.of("127.0.0.1"), Set.of("127.0.0.1"), Duration.ofSeconds(2), Duration.ofSeconds(2));
        return TopologySettings.defaults()
                .withBatch(1, LONG)
                .withOverlapTower(false)
                .withFetch(fetch);
    }

    /** Item {@code seed}'s three photographs: the first two inline, the third by URL. */
    private List<LabelExample> photographsOf(long seed) {
        served.put("/item-" + seed + ".png", scene(seed, 2));
        return List.of(
                new LabelExample(ByteBuffer.wrap(scene(seed, 0)), null),
                new LabelExample(ByteBuffer.wrap(scene(seed, 1)), null),
                new LabelExample(null, base + "/item-" + seed + ".png"));
    }

    private LabelSet knownItems(long version, Float threshold) {
        Label a = Label.newBuilder()
                .setName("item-a")
                .setPrompts(List.of())
                .setThreshold(threshold)
                .setExamples(photographsOf(100))
                .build();
        Label b = Label.newBuilder()
                .setName("item-b")
                .setPrompts(List.of())
                .setThreshold(null)
                .setExamples(photographsOf(300))
                .build();
        return LabelSet.newBuilder()
                .setId("known")
                .setVersion(version)
                .setLabels(List.of(a, b))
                .setTopK(2)
                .build();
    }

    @Test
    void aLabelDefinedByThreeExamplesFlagsANearCopyAndNotAnUnrelatedImage() throws IOException {
        byte[] nearCopy = nearCopy(scene(100, 0));
        byte[] unrelated = scene(900, 0);
        TinyClip.Counting text = new TinyClip.Counting();
        try (Harness h = new Harness(settings(), text, new PooledPixels(text), stateDir)) {
            assertThat(encode(h, knownItems(1, null))).hasSize(2);
            h.sendImage(inline("near-copy", "known", nearCopy));
            h.sendImage(inline("unrelated", "known", unrelated));
            List<KeyValue<String, Classification>> scored = h.readClassifications();
            assertThat(scored).hasSize(2);
            double near = similarity(scored.get(0).value, "item-a");
            double other = similarity(scored.get(1).value, "item-a");
            assertThat(near - other)
                    .as("near-copy %.3f against unrelated %.3f", near, other)
                    .isGreaterThan(MARGIN);
            float threshold = (float) ((near + other) / 2);

            assertThat(encode(h, knownItems(2, threshold))).hasSize(2);
            h.sendImage(inline("near-copy", "known", nearCopy));
            h.sendImage(inline("unrelated", "known", unrelated));
            List<KeyValue<String, Classification>> flagged = h.readClassifications();
            assertThat(flagged.get(0).value.getLabelSetVersion()).isEqualTo(2);
            assertThat(flagged.get(0).value.getFlagged())
                    .extracting(LabelScore::getLabel)
                    .containsExactly("item-a");
            assertThat(flagged.get(1).value.getFlagged()).isEmpty();
            assertThat(h.readDeadLetters()).isEmpty();
            assertThat(text.prompts)
                    .as("labels defined by examples alone use no text")
                    .isEmpty();
        }
    }

    @Test
    void withTheTinyModelTheLabelIsTheEnsembleOfTheModelsOwnExampleEmbeddings() throws Exception {
        TinyClip.Counting model = new TinyClip.Counting();
        try (Harness h = new Harness(settings(), model, stateDir)) {
            List<KeyValue<String, LabelEmbedding>> out = encode(h, knownItems(1, null));
            float[][] rows = new float[3][];
            for (int i = 0; i < 3; i++) {
                rows[i] = model.inner.encodeImages(List.of(model.crop(scene(100, i))))[0];
            }
            float[] expected = ZeroShotClassifier.ensemble(rows);
            List<Float> written = out.get(0).value.getEmbedding();
            assertThat(written).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(written.get(i)).isCloseTo(expected[i], within(1e-5f));
            }
            assertThat(model.batches).as("3 + 3 examples, up to 4 a step").containsExactly(4, 2);
        }
    }

    @Test
    void anExampleThatCannotBeFetchedMakesTheSetADeadLetterAndTheOldVersionStays() {
        TinyClip.Counting text = new TinyClip.Counting();
        try (Harness h = new Harness(settings(), text, new PooledPixels(text), stateDir)) {
            assertThat(encode(h, knownItems(1, null))).hasSize(2);
            LabelSet broken = knownItems(2, null);
            broken.getLabels().get(1).setExamples(List.of(new LabelExample(null, base + "/gone.png")));
            assertThat(h.sendLabelSet(broken)).isEmpty();
            assertThat(h.readDeadLetters()).singleElement().satisfies((DeadLetter d) -> {
                assertThat(d.getCode()).isEqualTo(ErrorCode.FETCH_FAILED);
                assertThat(d.getStage()).isEqualTo(Stage.FETCH);
                assertThat(d.getMessage())
                        .startsWith("label \"item-b\" example 1 of 1: HTTP 404 from http://127.0.0.1:");
                assertThat(d.getTopic()).isEqualTo("label-sets");
            });
            h.sendImage(inline("img", "known", scene(100, 0)));
            assertThat(h.readClassifications())
                    .singleElement()
                    .satisfies(c -> assertThat(c.value.getLabelSetVersion()).isEqualTo(1));
        }
    }

    /** Sends the set and lets wall-clock time pass, in the encoder's 20 ms ticks, until its labels are written. */
    private static List<KeyValue<String, LabelEmbedding>> encode(Harness h, LabelSet set) {
        List<KeyValue<String, LabelEmbedding>> out = new ArrayList<>(h.sendLabelSet(set));
        for (int tick = 0; tick < 500 && out.size() < set.getLabels().size(); tick++) {
            h.advance(Duration.ofMillis(20));
            out.addAll(h.syncLabelEmbeddings());
        }
        return out;
    }

    private static double similarity(Classification c, String label) {
        return c.getTop().stream()
                .filter(s -> s.getLabel().equals(label))
                .mapToDouble(LabelScore::getSimilarity)
                .findFirst()
                .orElseThrow();
    }

    /**
     * A stand-in image tower with meaningful embeddings: the tiny model's real decode and preprocessing, then each
     * channel's 224×224 pixels averaged over an 8×8 grid, less their mean (192 floats).
     */
    private static final class PooledPixels implements ImageEncoder {
        private static final int GRID = 8;
        private final TinyClip.Counting model;

        PooledPixels(TinyClip.Counting model) {
            this.model = model;
        }

        @Override
        public String modelId() {
            return model.modelId();
        }

        @Override
        public RgbCrop crop(byte[] bytes) throws ImageRejectedException {
            return model.crop(bytes);
        }

        @Override
        public float[][] encodeImages(List<RgbCrop> crops) {
            List<float[]> rows = new ArrayList<>();
            ClipPreprocessor preprocessor = TinyClip.model().preprocessor();
            for (RgbCrop crop : crops) {
                float[] chw = new float[preprocessor.tensorLength()];
                preprocessor.toTensor(crop, chw, 0);
                rows.add(pool(chw));
            }
            return rows.toArray(new float[0][]);
        }

        private static float[] pool(float[] chw) {
            int side = (int) Math.round(Math.sqrt(chw.length / 3.0));
            int cell = side / GRID;
            float[] out = new float[3 * GRID * GRID];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < GRID * cell; y++) {
                    for (int x = 0; x < GRID * cell; x++) {
                        out[c * GRID * GRID + (y / cell) * GRID + x / cell] += chw[c * side * side + y * side + x];
                    }
                }
            }
            double mean = 0;
            for (float v : out) {
                mean += v;
            }
            mean /= out.length;
            for (int i = 0; i < out.length; i++) {
                out[i] -= (float) mean;
            }
            return out;
        }
    }

    /**
     * A picture with structure, different for each seed: a two-colour gradient and five shapes. Variants of one seed
     * are the same subject photographed again: shapes moved by a few pixels, the light a little different.
     */
    static byte[] scene(long seed, int variant) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color from = new Color(r.nextInt(1 << 24));
        Color to = new Color(r.nextInt(1 << 24));
        g.setPaint(new GradientPaint(0, 0, variant == 1 ? from.brighter() : from, 160, 120, to));
        g.fillRect(0, 0, 160, 120);
        int dx = 3 * variant;
        int dy = variant == 2 ? -3 : 2 * variant;
        for (int i = 0; i < 5; i++) {
            g.setColor(new Color(r.nextInt(1 << 24)));
            int x = r.nextInt(140) + dx;
            int y = r.nextInt(100) + dy;
            int w = 10 + r.nextInt(60);
            int h = 10 + r.nextInt(50);
            if (r.nextBoolean()) {
                g.fillOval(x, y, w, h);
            } else {
                g.fillRect(x, y, w, h);
            }
        }
        g.dispose();
        return TinyClip.png(image);
    }

    /** The picture cropped by 5 % on each side and re-encoded as a JPEG of quality 0.6. */
    static byte[] nearCopy(byte[] original) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(original));
        int dx = image.getWidth() / 20;
        int dy = image.getHeight() / 20;
        BufferedImage cropped =
                new BufferedImage(image.getWidth() - 2 * dx, image.getHeight() - 2 * dy, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = cropped.createGraphics();
        g.drawImage(image.getSubimage(dx, dy, cropped.getWidth(), cropped.getHeight()), 0, 0, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.6f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(cropped, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
