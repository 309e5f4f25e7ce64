package io.clipstream.model.image;

/**
 * The few Pillow 9.4 mode conversions open_clip's transform performs, with Pillow's integer arithmetic
 * (libImaging/Convert.c): premultiplying alpha around a resize, and {@code convert("RGB")}.
 * Stateless and thread-safe.
 */
public final class PillowConvert {

    private PillowConvert() {}

    /** RGBA to RGBa and LA to La: colour bands times alpha / 255, rounded as Pillow's MULDIV255. */
    public static DecodedImage premultiply(DecodedImage image) {
        PillowMode mode = image.mode();
        int alphaBand = mode.bands() - 1;
        PillowMode target = switch (mode) {
            case RGBA -> PillowMode.RGBa;
            case LA -> PillowMode.La;
            default -> throw new IllegalArgumentException("cannot premultiply mode " + mode.pillowName());
        };
        int[] in = image.pixels();
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            int p = in[i];
            int alpha = (p >>> (8 * alphaBand)) & 0xff;
            int q = alpha << (8 * alphaBand);
            for (int b = 0; b < alphaBand; b++) {
                q |= mulDiv255((p >>> (8 * b)) & 0xff, alpha) << (8 * b);
            }
            out[i] = q;
        }
        return new DecodedImage(target, image.width(), image.height(), out);
    }

    /** RGBa to RGBA and La to LA: colour * 255 / alpha truncated and clipped; alpha 0 and 255 leave it as is. */
    public static DecodedImage unpremultiply(DecodedImage image) {
        PillowMode mode = image.mode();
        int alphaBand = mode.bands() - 1;
        PillowMode target = switch (mode) {
            case RGBa -> PillowMode.RGBA;
            case La -> PillowMode.LA;
            default -> throw new IllegalArgumentException("cannot unpremultiply mode " + mode.pillowName());
        };
        int[] in = image.pixels();
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            int p = in[i];
            int alpha = (p >>> (8 * alphaBand)) & 0xff;
            if (alpha == 0 || alpha == 255) {
                out[i] = p;
                continue;
            }
            int q = alpha << (8 * alphaBand);
            for (int b = 0; b < alphaBand; b++) {
                q |= Math.min(255 * ((p >>> (8 * b)) & 0xff) / alpha, 255) << (8 * b);
            }
            out[i] = q;
        }
        return new DecodedImage(target, image.width(), image.height(), out);
    }

    /**
     * One pixel of {@code convert("RGB")} as packed {@code r | g << 8 | b << 16}: alpha is dropped (not
     * composited), grey is replicated, "I" is clipped to 0..255, CMYK uses Pillow's cmyk2rgb.
     */
    public static int toRgb(PillowMode mode, int pixel, int[] palette) {
        return switch (mode) {
            case RGB, RGBA -> pixel & 0xffffff;
            case L, LA, BILEVEL -> grey(pixel & 0xff);
            case I -> grey(pixel <= 0 ? 0 : Math.min(pixel, 255));
            case P -> palette[pixel & 0xff] & 0xffffff;
            case CMYK -> cmykToRgb(pixel);
            case RGBa, La ->
                throw new IllegalArgumentException("mode " + mode.pillowName() + " exists only inside a resize");
        };
    }

    private static int grey(int v) {
        return v | v << 8 | v << 16;
    }

    private static int cmykToRgb(int p) {
        int notBlack = 255 - (p >>> 24);
        int r = notBlack - mulDiv255(p & 0xff, notBlack);
        int g = notBlack - mulDiv255((p >>> 8) & 0xff, notBlack);
        int b = notBlack - mulDiv255((p >>> 16) & 0xff, notBlack);
        return clip(r) | clip(g) << 8 | clip(b) << 16;
    }

    private static int clip(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Pillow's MULDIV255: a * b / 255 rounded, without a division. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
