package io.clipstream.model.image;

import java.util.Objects;

/**
 * open_clip's eval transform, bit-exact with Pillow 9.4 + torchvision:
 * {@code Resize(size, bicubic)} on the shortest side → {@code CenterCrop(size)} → {@code convert("RGB")} →
 * {@code ToTensor()} → {@code Normalize(mean, std)}, giving a float32 tensor [3, size, size] (CHW).
 *
 * <p>Pillow's details kept: the new long side is {@code int(size * long / short)}; RGBA and LA resize
 * premultiplied; P and 1 resize with NEAREST; RGB conversion after the crop (so alpha is dropped, not
 * composited); crop offsets {@code round((h - size) / 2)} with half-to-even. With resize modes "shortest" and
 * "squash" the resized image always covers the crop, so torchvision's zero padding never applies. Only the cropped window of the
 * resized image is computed, which gives the same pixels as resizing everything and cropping.
 *
 * <p>The one exception to exactness is opt-in: a decoder {@link ImageDecoder#withJpegDraft drafting} JPEGs decodes a
 * large one at reduced scale, to no less than {@code size} on its shorter side, before this resize.
 *
 * <p>Thread-safe: a pool of stream threads may share one instance. It keeps one set of decoding buffers a core
 * between images (at most 16 MB a set, for images of up to 1920x1080).
 */
public final class ClipPreprocessor {

    private final PreprocessConfig config;
    private final ImageDecoder decoder;
    private final int size;
    /** (v / 255 - mean[c]) / std[c] in float32 for every byte v, channel-major: torch's arithmetic, once. */
    private final float[] normalized = new float[3 * 256];
    /** One set a core: as many images as decode at once on a busy service. */
    private final DecodeBuffers.Pool decodeBuffers =
            new DecodeBuffers.Pool(Runtime.getRuntime().availableProcessors());

    public ClipPreprocessor(PreprocessConfig config, ImageDecoder decoder) {
        this.config = Objects.requireNonNull(config, "config");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.size = config.imageSize();
        float[] mean = config.mean();
        float[] std = config.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float scaled = (float) v / 255f;
                normalized[c * 256 + v] = (scaled - mean[c]) / std[c];
            }
        }
    }

    /** open_clip's defaults for this size with the default decoder limits. */
    public ClipPreprocessor(int imageSize) {
        this(PreprocessConfig.openClipDefault(imageSize), new ImageDecoder());
    }

    public PreprocessConfig config() {
        return config;
    }

    /** Floats per image: 3 * size * size. */
    public int tensorLength() {
        return 3 * size * size;
    }

    /** Decodes and preprocesses one image into a new [3, size, size] array. */
    public float[] preprocess(byte[] encoded) throws ImageRejectedException {
        return preprocess(crop(encoded));
    }

    /** Preprocesses a decoded image into a new [3, size, size] array. */
    public float[] preprocess(DecodedImage image) {
        return preprocess(crop(image));
    }

    private float[] preprocess(RgbCrop crop) {
        float[] out = new float[tensorLength()];
        toTensor(crop, out, 0);
        return out;
    }

    /** Decodes and writes the tensor into {@code out[offset .. offset + tensorLength())}, e.g. one slot of a batch. */
    public void preprocess(byte[] encoded, float[] out, int offset) throws ImageRejectedException {
        toTensor(crop(encoded), out, offset);
    }

    /**
     * Decodes, resizes and crops: everything before {@code ToTensor}. Decoding reuses buffers kept from earlier
     * images, so a stream of photos does not allocate a new raster for each.
     */
    public RgbCrop crop(byte[] encoded) throws ImageRejectedException {
        DecodeBuffers buffers = decodeBuffers.take();
        try {
            return crop(decoder.decode(encoded, buffers, size));
        } finally {
            decodeBuffers.give(buffers);
        }
    }

    /** Resize + centre crop + {@code convert("RGB")} of a decoded image. */
    public RgbCrop crop(DecodedImage image) {
        int[] rgb = cropRgb(image);
        byte[] out = new byte[rgb.length * 3];
        for (int i = 0; i < rgb.length; i++) {
            out[i * 3] = (byte) rgb[i];
            out[i * 3 + 1] = (byte) (rgb[i] >>> 8);
            out[i * 3 + 2] = (byte) (rgb[i] >>> 16);
        }
        return new RgbCrop(size, out);
    }

    /**
     * {@code ToTensor()} and {@code Normalize(mean, std)}: writes the crop's [3, size, size] float tensor into
     * {@code out[offset .. offset + tensorLength())}.
     */
    public void toTensor(RgbCrop crop, float[] out, int offset) {
        if (crop.size() != size) {
            throw new IllegalArgumentException("a crop of side " + crop.size() + " for a model of side " + size);
        }
        Objects.checkFromIndexSize(offset, tensorLength(), out.length);
        byte[] rgb = crop.pixels();
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            out[offset + i] = normalized[rgb[i * 3] & 0xff];
            out[offset + plane + i] = normalized[256 + (rgb[i * 3 + 1] & 0xff)];
            out[offset + 2 * plane + i] = normalized[512 + (rgb[i * 3 + 2] & 0xff)];
        }
    }

    /** Resize + centre crop + convert("RGB"): packed r | g << 8 | b << 16, size * size pixels. */
    private int[] cropRgb(DecodedImage image) {
        int w = image.width();
        int h = image.height();
        int newW;
        int newH;
        if (config.resizeMode().equals("squash")) {
            newW = size;
            newH = size;
        } else {
            int shortSide = Math.min(w, h);
            int longSide = Math.max(w, h);
            int newLong = shortSide == size ? longSide : (int) ((double) ((long) size * longSide) / shortSide);
            newW = w <= h ? size : newLong;
            newH = w <= h ? newLong : size;
        }
        // torchvision CenterCrop offsets. Both resize modes leave each side >= size, so CenterCrop never pads here.
        int left = (int) Math.rint((newW - size) / 2.0);
        int top = (int) Math.rint((newH - size) / 2.0);
        DecodedImage window = resizedWindow(image, newW, newH, left, top, size, size);

        int[] px = window.pixels();
        int[] out = new int[size * size];
        for (int i = 0; i < out.length; i++) {
            out[i] = PillowConvert.toRgb(window.mode(), px[i], window.palette());
        }
        return out;
    }

    private DecodedImage resizedWindow(
            DecodedImage image, int newW, int newH, int left, int top, int windowW, int windowH) {
        PillowResample.Filter filter = config.filter();
        boolean resizing = newW != image.width() || newH != image.height();
        PillowMode mode = image.mode();
        if (resizing && (mode == PillowMode.RGBA || mode == PillowMode.LA)) {
            DecodedImage premultiplied = PillowConvert.premultiply(image);
            return PillowConvert.unpremultiply(
                    PillowResample.resizeWindow(premultiplied, newW, newH, filter, left, top, windowW, windowH));
        }
        return PillowResample.resizeWindow(image, newW, newH, filter, left, top, windowW, windowH);
    }
}
