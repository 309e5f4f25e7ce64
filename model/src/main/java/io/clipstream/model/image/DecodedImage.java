package io.clipstream.model.image;

import java.util.Objects;

/**
 * A decoded image laid out like Pillow holds it in memory: one {@code int} per pixel, row by row.
 *
 * <p>For 8-bit modes band {@code b} of a pixel is byte {@code b} ({@code (pixel >>> 8*b) & 0xff}), so RGB is
 * {@code r | g << 8 | b << 16} and RGBA adds {@code a << 24}. Mode "I" stores the signed value itself, "P" the
 * palette index and "1" 0 or 255. The arrays are shared, not copied: treat them as read-only.
 *
 * @param mode the Pillow mode
 * @param width pixels per row
 * @param height rows
 * @param pixels {@code width * height} packed pixels
 * @param palette for mode P, packed RGB colours indexed by the pixel values; otherwise null
 */
public record DecodedImage(PillowMode mode, int width, int height, int[] pixels, int[] palette) {

    public DecodedImage {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0 || (long) width * height != pixels.length) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + pixels.length);
        }
        if ((mode == PillowMode.P) != (palette != null)) {
            throw new IllegalArgumentException("a palette is required for mode P and only for it");
        }
    }

    /** An image without palette. */
    public DecodedImage(PillowMode mode, int width, int height, int[] pixels) {
        this(mode, width, height, pixels, null);
    }

    /** Band {@code band} (0-based) of the pixel at column x, row y of an 8-bit mode. */
    public int sample(int x, int y, int band) {
        return (pixels[y * width + x] >>> (8 * band)) & 0xff;
    }
}
