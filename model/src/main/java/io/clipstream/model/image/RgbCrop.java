package io.clipstream.model.image;

/**
 * The centre crop of an image in 8-bit RGB, row by row, three bytes a pixel: what torchvision's {@code ToTensor}
 * receives in open_clip's transform. A quarter of the size of the float tensor made from it, so an image waits for
 * its batch in this form and becomes a tensor only when the batch is assembled ({@link ClipPreprocessor#toTensor}).
 *
 * @param size pixels per side
 * @param pixels {@code 3 * size * size} bytes, r, g, b of each pixel; shared, not copied: treat as read-only
 */
public record RgbCrop(int size, byte[] pixels) {

    public RgbCrop {
        if (size <= 0 || pixels == null || pixels.length != 3L * size * size) {
            throw new IllegalArgumentException("an RGB crop of side " + size + " needs " + 3L * size * size
                    + " bytes, got " + (pixels == null ? "none" : pixels.length));
        }
    }
}
