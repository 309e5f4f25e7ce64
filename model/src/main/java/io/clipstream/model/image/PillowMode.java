package io.clipstream.model.image;

/**
 * The Pillow image modes this package produces, with their number of bands.
 *
 * <p>The mode decides how open_clip's transform treats an image (palette and bilevel images resize with
 * NEAREST, images with alpha resize premultiplied, "I" clips to 8 bits on conversion), so a decoded image
 * carries the mode Pillow 9.4 would have given the same file.
 */
public enum PillowMode {
    /** 8-bit grey. */
    L("L", 1),
    /** 8-bit grey with alpha. */
    LA("LA", 2),
    /** LA with the grey premultiplied by alpha (only inside a resize). */
    La("La", 2),
    /** 8-bit palette indices; {@link DecodedImage#palette()} holds the colours. */
    P("P", 1),
    /** Bilevel, stored as 0 or 255 like Pillow does. */
    BILEVEL("1", 1),
    /** 8-bit RGB. */
    RGB("RGB", 3),
    /** 8-bit RGB with alpha. */
    RGBA("RGBA", 4),
    /** RGBA with colours premultiplied by alpha (only inside a resize). */
    RGBa("RGBa", 4),
    /** 8-bit CMYK as Pillow holds it (ink amounts, 255 = full ink). */
    CMYK("CMYK", 4),
    /** 32-bit signed integer grey: what Pillow 9.4 makes of a 16-bit grey PNG. */
    I("I", 1);

    private final String pillowName;
    private final int bands;

    PillowMode(String pillowName, int bands) {
        this.pillowName = pillowName;
        this.bands = bands;
    }

    /** The mode string Pillow uses ("RGB", "1", ...). */
    public String pillowName() {
        return pillowName;
    }

    /** Number of bands; each band is one byte of a packed pixel, except for {@link #I}. */
    public int bands() {
        return bands;
    }
}
