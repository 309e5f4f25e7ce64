package io.clipstream.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * A photo-like JPEG of a given size for the preprocessing benchmark: smooth colour gradients with some noise,
 * quality 0.9, so that it compresses about as a camera picture does (a flat image would decode unrealistically
 * fast, pure noise unrealistically slowly).
 */
final class SyntheticJpeg {
    private SyntheticJpeg() {}

    static byte[] of(int width, int height, long seed) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int noise = random.nextInt(16);
                int r = (255 * x / width + noise) & 0xff;
                int g = (255 * y / height + noise) & 0xff;
                int b = (int) (127 + 120 * Math.sin((x + y) / 37.0)) & 0xff;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
