package io.clipstream.service;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.LabelSets;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What {@code clipstream demo} publishes: one label set (open_clip's own test captions plus coloured shapes) and a
 * handful of images: the CLIP diagram from open_clip's test suite and shapes drawn here.
 */
public final class DemoData {
    public static final String LABEL_SET = "demo";
    public static final List<String> LABELS =
            List.of("a diagram", "a dog", "a cat", "a red circle", "a blue square", "a green triangle");

    private DemoData() {}

    /** The label set, with each label used as its own prompt (template {@code "{}"}), as open_clip's test does. */
    public static LabelSet labelSet() {
        return LabelSets.of(LABEL_SET, 1, LABELS, List.of("{}"), 3, "clipstream demo labels");
    }

    /** Image id → PNG bytes, in the order they are sent. */
    public static Map<String, byte[]> images() {
        Map<String, byte[]> images = new LinkedHashMap<>();
        images.put("clip-diagram", resource("/demo/CLIP.png"));
        images.put("red-circle", draw(Color.RED, Shape.CIRCLE));
        images.put("blue-square", draw(Color.BLUE, Shape.SQUARE));
        images.put("green-triangle", draw(new Color(0, 160, 0), Shape.TRIANGLE));
        images.put("red-square", draw(Color.RED, Shape.SQUARE));
        return images;
    }

    public static ImageEvent event(String id, byte[] png, Instant eventTime) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setImage(InlineImage.newBuilder().setData(ByteBuffer.wrap(png)).build())
                .setContentType("image/png")
                .setLabelSet(LABEL_SET)
                .setAttributes(Map.of("source", "clipstream demo"))
                .build();
    }

    enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE
    }

    /** A 256×256 PNG: one filled shape of {@code color} on white. */
    static byte[] draw(Color color, Shape shape) {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 256, 256);
        g.setColor(color);
        switch (shape) {
            case CIRCLE -> g.fillOval(48, 48, 160, 160);
            case SQUARE -> g.fillRect(56, 56, 144, 144);
            case TRIANGLE -> g.fillPolygon(new int[] {128, 40, 216}, new int[] {40, 200, 200}, 3);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
