package io.clipstream.topology;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Test support: the real tiny random-weight model (written and loaded once per JVM), encoders that count what they
 * are asked to encode, and generated test images (public: the reliability suites send the same images).
 */
public final class TinyClip {
    private static ClipModel model;

    private TinyClip() {}

    public static synchronized ClipModel model() {
        if (model == null) {
            try {
                Path dir = Files.createTempDirectory("tiny-clip");
                model = ClipModel.load(ClipModel.writeTinyRandomModel(dir, 7));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** Both encoders over the tiny model, recording every prompt and every image batch size they see. */
    static final class Counting implements ImageEncoder, TextEncoder {
        final ClipEncoders inner = new ClipEncoders(model());
        final List<String> prompts = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public String modelId() {
            return inner.modelId();
        }

        @Override
        public RgbCrop crop(byte[] bytes) throws ImageRejectedException {
            return inner.crop(bytes);
        }

        @Override
        public float[][] encodeImages(List<RgbCrop> crops) {
            batches.add(crops.size());
            return inner.encodeImages(crops);
        }

        @Override
        public float[][] encodeTexts(List<String> texts) {
            prompts.addAll(texts);
            return inner.encodeTexts(texts);
        }

        /** Times the topology said it had no prompts left. */
        final java.util.concurrent.atomic.AtomicInteger idles = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void idleNow() {
            idles.incrementAndGet();
            inner.idleNow();
        }
    }

    /** A small PNG of random coloured blocks, different for each seed. */
    public static byte[] png(long seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int block = 8;
        for (int by = 0; by < height; by += block) {
            for (int bx = 0; bx < width; bx += block) {
                int rgb = random.nextInt(1 << 24);
                for (int y = by; y < Math.min(height, by + block); y++) {
                    for (int x = bx; x < Math.min(width, bx + block); x++) {
                        image.setRGB(x, y, rgb);
                    }
                }
            }
        }
        return png(image);
    }

    /** {@code image} as a PNG file. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Only a PNG signature and an IHDR chunk declaring {@code width}×{@code height}: a decompression-bomb header. */
    public static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13)
                .put(ihdr.array())
                .putInt((int) crc.getValue());
        return png.array();
    }
}
