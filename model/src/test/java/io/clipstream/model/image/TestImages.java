package io.clipstream.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/** Reads the fixtures written by src/test/python/make_image_golden.py (Pillow 9.4 + torchvision). */
final class TestImages {

    /** One line of golden/index.txt: what Pillow made of an input file. */
    record Golden(String name, String file, String pillowMode, int width, int height) {
        @Override
        public String toString() {
            return name;
        }

        boolean lossyDecode() {
            return file.endsWith(".jpg") || name.equals("lossy");
        }
    }

    private TestImages() {}

    static byte[] resource(String path) {
        try (InputStream in = TestImages.class.getResourceAsStream("/images/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource images/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gunzip(String path) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(resource(path)))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Golden> index() {
        List<Golden> out = new ArrayList<>();
        for (String line : new String(resource("golden/index.txt"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                String[] f = line.trim().split(" ");
                out.add(new Golden(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4])));
            }
        }
        return out;
    }

    /**
     * Pillow's 8-bit RGB crop as HWC bytes, read from the lossless PNG the script saved. Pillow may have written
     * it with a palette or a tRNS colour key; getRGB of an 8-bit sRGB image is exact either way.
     */
    static byte[] goldenCrop(String name) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(resource("golden/" + name + ".crop.png")));
            byte[] out = new byte[image.getWidth() * image.getHeight() * 3];
            int i = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int argb = image.getRGB(x, y);
                    out[i++] = (byte) (argb >>> 16);
                    out[i++] = (byte) (argb >>> 8);
                    out[i++] = (byte) argb;
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] littleEndianFloats(byte[] b) {
        float[] out = new float[b.length / 4];
        java.nio.ByteBuffer.wrap(b)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(out);
        return out;
    }

    /** Packs HWC bytes of {@code bands} bands into a DecodedImage of the given mode. */
    static DecodedImage fromHwc(PillowMode mode, int width, int height, byte[] hwc) {
        int bands = mode.bands();
        int[] px = new int[width * height];
        for (int i = 0; i < px.length; i++) {
            int p = 0;
            for (int b = 0; b < bands; b++) {
                p |= (hwc[i * bands + b] & 0xff) << (8 * b);
            }
            px[i] = p;
        }
        return new DecodedImage(mode, width, height, px);
    }

    static byte[] toHwc(DecodedImage image) {
        int bands = image.mode().bands();
        int[] px = image.pixels();
        byte[] out = new byte[px.length * bands];
        for (int i = 0; i < px.length; i++) {
            for (int b = 0; b < bands; b++) {
                out[i * bands + b] = (byte) (px[i] >>> (8 * b));
            }
        }
        return out;
    }

    /**
     * A photo-like JPEG from ImageIO's writer (4:2:0 for colour): smooth gradients and noise, so the decoder has real
     * work. {@code type}: a {@link BufferedImage} type, colour or grey.
     */
    static byte[] photoJpeg(int width, int height, int type, long seed) {
        java.util.Random random = new java.util.Random(seed);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(16)) & 0xff;
                int g = (y * 255 / height + random.nextInt(16)) & 0xff;
                int b = ((x + y) * 127 / (width + height) + random.nextInt(16)) & 0xff;
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
