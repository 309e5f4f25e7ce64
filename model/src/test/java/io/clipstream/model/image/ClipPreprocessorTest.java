package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.image.TestImages.Golden;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Compares with open_clip's transform run by Pillow 9.4 + torchvision (make_image_golden.py). */
class ClipPreprocessorTest {

    private static final int SIZE = 224;
    private final ImageDecoder decoder = new ImageDecoder();
    private final ClipPreprocessor preprocessor = new ClipPreprocessor(SIZE);

    static List<Golden> losslessInputs() {
        return TestImages.index().stream().filter(g -> !g.lossyDecode()).toList();
    }

    static List<Golden> lossyInputs() {
        return TestImages.index().stream().filter(Golden::lossyDecode).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losslessInputs")
    void cropMatchesPillowExactly(Golden golden) throws Exception {
        DecodedImage image = decoder.decode(TestImages.resource(golden.file()));

        assertThat(image.mode().pillowName()).as("Pillow mode").isEqualTo(golden.pillowMode());
        byte[] crop = preprocessor.crop(image).pixels();
        byte[] expected = TestImages.goldenCrop(golden.name());
        assertThat(firstDifference(crop, expected))
                .as("first differing byte (HWC index)")
                .isEqualTo(-1);
    }

    /** JPEG and lossy WebP: the decoders are not libjpeg-turbo/libwebp, so the difference is measured and bounded. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lossyInputs")
    void cropOfLossyFormatsIsCloseToPillow(Golden golden) throws Exception {
        DecodedImage image = decoder.decode(TestImages.resource(golden.file()));
        byte[] crop = preprocessor.crop(image).pixels();
        byte[] expected = TestImages.goldenCrop(golden.name());

        int max = 0;
        long sum = 0;
        int differing = 0;
        for (int i = 0; i < crop.length; i++) {
            int d = Math.abs((crop[i] & 0xff) - (expected[i] & 0xff));
            max = Math.max(max, d);
            sum += d;
            differing += d == 0 ? 0 : 1;
        }
        System.out.printf(
                "%s: max |diff| %d, mean %.4f, %d of %d values differ%n",
                golden.name(), max, (double) sum / crop.length, differing, crop.length);
        assertThat(image.mode().pillowName()).as("Pillow mode").isEqualTo(golden.pillowMode());
        if (golden.name().equals("lossy")) {
            // Known gap: TwelveMonkeys' VP8 decoder is not libwebp (measured: max 47, mean 4.7 levels, most values
            // differ). Bound it loosely so a regression to garbage still fails.
            assertThat((double) sum / crop.length).isLessThan(6.0);
        } else {
            assertThat(max).isZero(); // JPEG: libjpeg-turbo is Pillow's own decoder, and ImageIO matches it
        }
    }

    @Test
    void normalisesEveryByteValueLikeTorch() {
        float[] expected = TestImages.littleEndianFloats(TestImages.resource("golden/normalize_lut.f32"));
        ClipPreprocessor small = new ClipPreprocessor(16);
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                // a uniform 16x16 image is not resized, so the tensor holds the normalised value itself
                DecodedImage uniform = new DecodedImage(PillowMode.RGB, 16, 16, filled(16 * 16, v << (8 * c)));
                float got = small.preprocess(uniform)[c * 256];
                assertThat(Float.floatToIntBits(got))
                        .as("channel %d value %d", c, v)
                        .isEqualTo(Float.floatToIntBits(expected[c * 256 + v]));
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"clip", "rgb_small"})
    void tensorMatchesTorchBitForBit(String name) throws Exception {
        Golden golden = TestImages.index().stream()
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow();
        float[] expected = TestImages.littleEndianFloats(TestImages.gunzip("golden/" + name + ".tensor.gz"));

        float[] tensor = preprocessor.preprocess(TestImages.resource(golden.file()));

        assertThat(tensor).hasSize(3 * SIZE * SIZE);
        for (int i = 0; i < tensor.length; i++) {
            if (Float.floatToIntBits(tensor[i]) != Float.floatToIntBits(expected[i])) {
                assertThat(tensor[i]).as("element %d", i).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void writesIntoABatchAtAnOffsetWithoutTouchingTheRest() throws Exception {
        byte[] png = TestImages.resource("inputs/rgb_odd.png");
        float[] single = preprocessor.preprocess(png);
        int n = preprocessor.tensorLength();
        float[] batch = new float[3 * n];
        java.util.Arrays.fill(batch, Float.NaN);

        preprocessor.preprocess(png, batch, n);

        assertThat(java.util.Arrays.copyOfRange(batch, n, 2 * n)).isEqualTo(single);
        assertThat(java.util.Arrays.copyOfRange(batch, 0, n)).containsOnly(Float.NaN);
        assertThat(java.util.Arrays.copyOfRange(batch, 2 * n, 3 * n)).containsOnly(Float.NaN);
    }

    @Test
    void givesTheSameResultsFromManyThreads() throws Exception {
        List<Golden> inputs = losslessInputs();
        List<float[]> sequential = new ArrayList<>();
        for (Golden g : inputs) {
            sequential.add(preprocessor.preprocess(TestImages.resource(g.file())));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Golden g : inputs) {
                    futures.add(pool.submit(() -> preprocessor.preprocess(TestImages.resource(g.file()))));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % inputs.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int firstDifference(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                System.out.printf(
                        "differs at pixel (%d,%d) channel %d: %d vs Pillow %d%n",
                        i / 3 % SIZE, i / 3 / SIZE, i % 3, a[i] & 0xff, b[i] & 0xff);
                return i;
            }
        }
        return -1;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
