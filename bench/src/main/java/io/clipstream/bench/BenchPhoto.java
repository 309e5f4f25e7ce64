package io.clipstream.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * A 640×480 JPEG of about 100 KB for the end-to-end benchmark: a colour gradient, a dozen filled shapes with
 * soft edges, and ±12 levels of per-pixel noise, at quality 0.9. The noise keeps it from compressing to a few KB
 * (which would make decoding unrealistically cheap); each seed gives a different picture.
 */
final class BenchPhoto {
    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    private BenchPhoto() {}

    static byte[] of(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(
                0, 0, new Color(random.nextInt(1 << 24)), WIDTH, HEIGHT, new Color(random.nextInt(1 << 24))));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(1 << 24)));
            int w = 20 + random.nextInt(WIDTH / 3);
            int h = 20 + random.nextInt(HEIGHT / 3);
            int x = random.nextInt(WIDTH) - w / 2;
            int y = random.nextInt(HEIGHT) - h / 2;
            if (random.nextBoolean()) {
                g.fillOval(x, y, w, h);
            } else {
                g.fillRect(x, y, w, h);
            }
        }
        g.dispose();
        int[] pixels = image.getRGB(0, 0, WIDTH, HEIGHT, null, 0, WIDTH);
        for (int i = 0; i < pixels.length; i++) {
            int noise = random.nextInt(25) - 12;
            int p = pixels[i];
            pixels[i] = clamp((p >> 16 & 0xff) + noise) << 16
                    | clamp((p >> 8 & 0xff) + noise) << 8
                    | clamp((p & 0xff) + noise);
        }
        image.setRGB(0, 0, WIDTH, HEIGHT, pixels, 0, WIDTH);
        return jpeg(image, 0.9f);
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
