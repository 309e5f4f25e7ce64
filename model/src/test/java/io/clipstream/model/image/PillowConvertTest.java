package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected values were printed by Pillow 9.4's Image.convert on single pixels. */
class PillowConvertTest {

    @Test
    void premultipliesLikePillow() {
        // Image.new("RGBA", (1,1), (200, 17, 255, 128)).convert("RGBa") -> (100, 9, 128, 128)
        DecodedImage rgba = new DecodedImage(PillowMode.RGBA, 1, 1, new int[] {200 | 17 << 8 | 255 << 16 | 128 << 24});
        DecodedImage out = PillowConvert.premultiply(rgba);
        assertThat(out.mode()).isEqualTo(PillowMode.RGBa);
        assertThat(out.pixels()[0]).isEqualTo(100 | 9 << 8 | 128 << 16 | 128 << 24);

        // Image.new("LA", (1,1), (77, 3)).convert("La") -> (1, 3)
        DecodedImage la = new DecodedImage(PillowMode.LA, 1, 1, new int[] {77 | 3 << 8});
        assertThat(PillowConvert.premultiply(la).pixels()[0]).isEqualTo(1 | 3 << 8);
    }

    @Test
    void unpremultipliesLikePillowTruncatingAndKeepingAlphaZero() {
        // RGBa (100, 9, 128, 128) -> RGBA (199, 17, 255, 128); RGBa (100, 9, 200, 0) -> unchanged
        DecodedImage rgba = new DecodedImage(
                PillowMode.RGBa, 2, 1, new int[] {100 | 9 << 8 | 128 << 16 | 128 << 24, 100 | 9 << 8 | 200 << 16});
        DecodedImage out = PillowConvert.unpremultiply(rgba);
        assertThat(out.mode()).isEqualTo(PillowMode.RGBA);
        assertThat(out.pixels()).containsExactly(199 | 17 << 8 | 255 << 16 | 128 << 24, 100 | 9 << 8 | 200 << 16);
    }

    @Test
    void convertsToRgbLikePillow() {
        // CMYK (10, 128, 250, 60) -> RGB (187, 97, 4)
        assertThat(PillowConvert.toRgb(PillowMode.CMYK, 10 | 128 << 8 | 250 << 16 | 60 << 24, null))
                .isEqualTo(187 | 97 << 8 | 4 << 16);
        // "I" clips: -5 -> 0, 17 -> 17, 70000 -> 255
        assertThat(PillowConvert.toRgb(PillowMode.I, -5, null)).isZero();
        assertThat(PillowConvert.toRgb(PillowMode.I, 17, null)).isEqualTo(17 | 17 << 8 | 17 << 16);
        assertThat(PillowConvert.toRgb(PillowMode.I, 70000, null)).isEqualTo(0xffffff);
        // alpha is dropped, not composited
        assertThat(PillowConvert.toRgb(PillowMode.RGBA, 1 | 2 << 8 | 3 << 16, null))
                .isEqualTo(1 | 2 << 8 | 3 << 16);
        assertThat(PillowConvert.toRgb(PillowMode.LA, 40 | 0 << 8, null)).isEqualTo(40 | 40 << 8 | 40 << 16);
        int[] palette = new int[256];
        palette[7] = 0x030201;
        assertThat(PillowConvert.toRgb(PillowMode.P, 7, palette)).isEqualTo(0x030201);
    }
}
