package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.image.PillowResample.Filter;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PillowResampleTest {

    /** Same list as RESAMPLE_CASES in make_image_golden.py: outputs come from Pillow 9.4's Image.resize. */
    static Stream<Arguments> pillowCases() {
        return Stream.of(
                Arguments.of("rgb_down_bicubic", PillowMode.RGB, 97, 61, 40, 25, Filter.BICUBIC),
                Arguments.of("rgb_up_bicubic", PillowMode.RGB, 31, 23, 77, 50, Filter.BICUBIC),
                Arguments.of("rgb_hdown_vup_bicubic", PillowMode.RGB, 97, 23, 40, 51, Filter.BICUBIC),
                Arguments.of("rgb_width_only_bicubic", PillowMode.RGB, 97, 61, 50, 61, Filter.BICUBIC),
                Arguments.of("rgb_height_only_bicubic", PillowMode.RGB, 97, 61, 97, 30, Filter.BICUBIC),
                Arguments.of("rgb_down_bilinear", PillowMode.RGB, 97, 61, 40, 25, Filter.BILINEAR),
                Arguments.of("rgb_up_bilinear", PillowMode.RGB, 31, 23, 77, 50, Filter.BILINEAR),
                Arguments.of("rgb_down_nearest", PillowMode.RGB, 97, 61, 40, 25, Filter.NEAREST),
                Arguments.of("rgb_up_nearest", PillowMode.RGB, 31, 23, 77, 50, Filter.NEAREST),
                Arguments.of("l_down_bicubic", PillowMode.L, 97, 61, 40, 25, Filter.BICUBIC),
                Arguments.of("l_up_bicubic", PillowMode.L, 31, 23, 77, 50, Filter.BICUBIC));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowCases")
    void matchesPillowByteForByte(String name, PillowMode mode, int sw, int sh, int dw, int dh, Filter filter) {
        DecodedImage src = TestImages.fromHwc(mode, sw, sh, TestImages.gunzip("resample/" + name + ".src.gz"));
        byte[] expected = TestImages.gunzip("resample/" + name + ".out.gz");

        DecodedImage out = PillowResample.resize(src, dw, dh, filter);

        assertThat(out.width()).isEqualTo(dw);
        assertThat(out.height()).isEqualTo(dh);
        assertThat(TestImages.toHwc(out)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowCases")
    void windowEqualsCropOfFullResize(String name, PillowMode mode, int sw, int sh, int dw, int dh, Filter filter) {
        DecodedImage src = TestImages.fromHwc(mode, sw, sh, TestImages.gunzip("resample/" + name + ".src.gz"));
        DecodedImage full = PillowResample.resize(src, dw, dh, filter);
        int left = dw / 3;
        int top = dh / 4;
        int w = dw / 2;
        int h = dh / 2;

        DecodedImage window = PillowResample.resizeWindow(src, dw, dh, filter, left, top, w, h);

        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertThat(window.pixels()[y * w + x]).isEqualTo(full.pixels()[(top + y) * dw + left + x]);
            }
        }
    }

    @Test
    void paletteImagesAlwaysResizeWithNearest() {
        DecodedImage src = new DecodedImage(PillowMode.P, 3, 1, new int[] {0, 1, 2}, new int[256]);
        DecodedImage out = PillowResample.resize(src, 6, 1, Filter.BICUBIC);
        assertThat(out.pixels()).containsExactly(0, 0, 1, 1, 2, 2); // a blend would invent indices
        assertThat(out.palette()).isSameAs(src.palette());
    }

    @Test
    void sameSizeIsACopy() {
        DecodedImage src = new DecodedImage(PillowMode.RGB, 2, 2, new int[] {1, 2, 3, 4});
        assertThat(PillowResample.resize(src, 2, 2, Filter.BICUBIC).pixels()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void refusesAWindowOutsideTheImage() {
        DecodedImage src = new DecodedImage(PillowMode.L, 4, 4, new int[16]);
        assertThatThrownBy(() -> PillowResample.resizeWindow(src, 8, 8, Filter.BICUBIC, 4, 0, 5, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timesA640x480ResizeAndItsWindowMatchesTheFullResize() {
        Random random = new Random(1);
        int[] px = new int[640 * 480];
        for (int i = 0; i < px.length; i++) {
            px[i] = random.nextInt(1 << 24);
        }
        DecodedImage src = new DecodedImage(PillowMode.RGB, 640, 480, px);
        DecodedImage window = null;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            window = PillowResample.resizeWindow(src, 298, 224, Filter.BICUBIC, 37, 0, 224, 224);
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf(
                "PillowResample: 640x480 RGB -> 298x224 bicubic, 224x224 window: best of 20 %.2f ms%n", best / 1e6);

        DecodedImage full = PillowResample.resize(src, 298, 224, Filter.BICUBIC);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                assertThat(window.pixels()[y * 224 + x]).isEqualTo(full.pixels()[y * 298 + 37 + x]);
            }
        }
    }
}
