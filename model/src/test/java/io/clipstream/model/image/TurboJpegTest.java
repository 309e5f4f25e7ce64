package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipstream.model.image.TestImages.Golden;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** libjpeg-turbo's pixels are ImageIO's, and so Pillow's; skipped on a host without libturbojpeg.so.0. */
class TurboJpegTest {

    private final ImageDecoder imageIo =
            ImageDecoder.imageIoOnly(ImageDecoder.DEFAULT_MAX_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS);

    @BeforeEach
    void needsTheLibrary() {
        assumeTrue(
                TurboJpeg.shared().isPresent(),
                "libturbojpeg.so.0 is not installed (Debian/Ubuntu: apt-get install libturbojpeg0)");
    }

    static List<Golden> jpegInputs() {
        return TestImages.index().stream()
                .filter(g -> g.file().endsWith(".jpg"))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jpegInputs")
    void decodesEveryJpegFixtureAsImageIoDoesOrLeavesItToImageIo(Golden golden) throws Exception {
        byte[] jpeg = TestImages.resource(golden.file());
        DecodedImage turbo = TurboJpeg.shared().orElseThrow().decode(jpeg, (w, h) -> {}, null, 0);

        if (golden.pillowMode().equals("CMYK")) {
            assertThat(turbo).as("CMYK is left to ImageIO").isNull();
            return;
        }
        assertThat(turbo).isNotNull();
        assertSame(turbo, imageIo.decode(jpeg));
    }

    @Test
    void decodesPhotoLikeJpegsOfManySizesAsImageIoDoes() throws Exception {
        int[][] sizes = {{1, 1}, {7, 3}, {16, 16}, {17, 9}, {333, 217}, {640, 480}, {481, 641}};
        for (int[] size : sizes) {
            for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
                byte[] jpeg = jpeg(size[0], size[1], type, size[0] * 31L + type);
                DecodedImage turbo = TurboJpeg.shared().orElseThrow().decode(jpeg, (w, h) -> {}, null, 0);
                assertThat(turbo).as("%dx%d type %d", size[0], size[1], type).isNotNull();
                assertSame(turbo, imageIo.decode(jpeg));
            }
        }
    }

    @Test
    void theDefaultDecoderUsesItAndReusesTheBuffers() throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        assertThat(decoder.jpegDecoder()).isEqualTo("libjpeg-turbo");
        assertThat(imageIo.jpegDecoder()).isEqualTo("ImageIO");
        DecodeBuffers buffers = new DecodeBuffers();
        byte[] first = jpeg(64, 48, BufferedImage.TYPE_3BYTE_BGR, 1);
        int[] pixels = decoder.decode(first, buffers).pixels();
        DecodedImage second = decoder.decode(jpeg(64, 48, BufferedImage.TYPE_3BYTE_BGR, 2), buffers);
        assertThat(second.pixels()).isSameAs(pixels);
        assertSame(second, imageIo.decode(jpeg(64, 48, BufferedImage.TYPE_3BYTE_BGR, 2)));
    }

    @Test
    void aDraftScaleKeepsTheShorterSideAtLeastTheSizeAskedFor() {
        assertThat(TurboJpeg.draftScale(4000, 3000, 224)).isEqualTo(8); // 500x375
        assertThat(TurboJpeg.draftScale(640, 480, 224)).isEqualTo(2); // 320x240
        assertThat(TurboJpeg.draftScale(1792, 1793, 224)).isEqualTo(8); // 224x225: at the limit
        assertThat(TurboJpeg.draftScale(1785, 1792, 224)).isEqualTo(8); // 1785 / 8 rounded up: 224
        assertThat(TurboJpeg.draftScale(1784, 1792, 224)).isEqualTo(4); // 223 at 1/8, 446 at 1/4
        assertThat(TurboJpeg.draftScale(447, 600, 224)).isEqualTo(2); // 224 rounded up
        assertThat(TurboJpeg.draftScale(446, 600, 224)).isEqualTo(1); // 223
        assertThat(TurboJpeg.draftScale(4000, 300, 224)).isEqualTo(1);
        assertThat(TurboJpeg.draftScale(4000, 3000, 0)).isEqualTo(1);
    }

    @Test
    void aDraftDecodesSmallerAndItsCropStaysCloseToTheExactOne() throws Exception {
        ClipPreprocessor exact = new ClipPreprocessor(PreprocessConfig.openClipDefault(224), new ImageDecoder());
        ClipPreprocessor draft =
                new ClipPreprocessor(PreprocessConfig.openClipDefault(224), new ImageDecoder().withJpegDraft(true));
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
            byte[] jpeg = jpeg(1000, 920, type, type);
            DecodedImage small = new ImageDecoder().withJpegDraft(true).decode(jpeg, null, 224);
            assertThat(small.width()).isEqualTo(250); // 1/4: the shorter side 230 >= 224
            assertThat(small.height()).isEqualTo(230);
            assertThat(new ImageDecoder().decode(jpeg, null, 224).width())
                    .as("no draft")
                    .isEqualTo(1000);

            byte[] want = exact.crop(jpeg).pixels();
            byte[] got = draft.crop(jpeg).pixels();
            long sum = 0;
            for (int i = 0; i < want.length; i++) {
                sum += Math.abs((want[i] & 0xff) - (got[i] & 0xff));
            }
            double mean = (double) sum / want.length;
            // noisy synthetic pixels: the worst case for a reduced IDCT; a photo differs less (docs/model.md)
            assertThat(mean).as("mean |difference| in levels").isPositive().isLessThan(12);
        }
    }

    @Test
    void withoutTheLibraryADraftIsNotTaken() throws Exception {
        ImageDecoder imageIo = this.imageIo.withJpegDraft(true);
        assertThat(imageIo.jpegDraft()).isFalse();
        assertThat(imageIo.decode(jpeg(1000, 920, BufferedImage.TYPE_3BYTE_BGR, 5), null, 224)
                        .width())
                .isEqualTo(1000);
    }

    private static void assertSame(DecodedImage actual, DecodedImage expected) {
        assertThat(actual.mode()).isEqualTo(expected.mode());
        assertThat(actual.width()).isEqualTo(expected.width());
        assertThat(actual.height()).isEqualTo(expected.height());
        assertThat(actual.pixels()).isEqualTo(expected.pixels());
    }

    private static byte[] jpeg(int width, int height, int type, long seed) {
        return TestImages.photoJpeg(width, height, type, seed);
    }
}
