package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding into kept buffers gives what decoding into fresh arrays gives, and the buffers are really kept. */
class DecodeBuffersTest {
    /** The sample array is the ImageIO reader's (TurboJpegTest covers libjpeg-turbo's use of the pixel array). */
    private final ImageDecoder decoder =
            ImageDecoder.imageIoOnly(ImageDecoder.DEFAULT_MAX_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS);

    /** Every test image, in both orders through one set of buffers: larger after smaller and smaller after larger. */
    @Test
    void decodingIntoKeptBuffersGivesTheSamePixels() throws Exception {
        List<String> files = new ArrayList<>();
        for (TestImages.Golden g : TestImages.index()) {
            files.add(g.file());
        }
        files.add("inputs/progressive.jpg");
        files.add("inputs/gray.jpg");
        List<String> both = new ArrayList<>(files);
        List<String> reversed = new ArrayList<>(files);
        java.util.Collections.reverse(reversed);
        both.addAll(reversed);
        for (ImageDecoder decoder : List.of(decoder, new ImageDecoder())) {
            decodeAllThroughOneSetOfBuffers(decoder, both);
        }
    }

    private static void decodeAllThroughOneSetOfBuffers(ImageDecoder decoder, List<String> files) throws Exception {
        DecodeBuffers buffers = new DecodeBuffers();
        for (String file : files) {
            byte[] bytes = TestImages.resource(file);
            DecodedImage fresh;
            try {
                fresh = decoder.decode(bytes);
            } catch (ImageRejectedException rejected) {
                continue; // the rejection itself is ImageDecoderTest's business
            }
            DecodedImage reused = decoder.decode(bytes, buffers);
            assertThat(reused.mode()).as(file).isEqualTo(fresh.mode());
            assertThat(reused.width()).as(file).isEqualTo(fresh.width());
            assertThat(reused.height()).as(file).isEqualTo(fresh.height());
            assertThat(reused.pixels()).as(file).isEqualTo(fresh.pixels());
            assertThat(reused.palette()).as(file).isEqualTo(fresh.palette());
        }
    }

    @Test
    void aSecondPhotoOfTheSameSizeReusesBothArrays() throws Exception {
        byte[] first = jpeg(640, 480, 1);
        byte[] second = jpeg(640, 480, 2);
        DecodeBuffers buffers = new DecodeBuffers();

        int[] pixels = decoder.decode(first, buffers).pixels();
        byte[] samples = buffers.samples(0);
        DecodedImage again = decoder.decode(second, buffers);

        assertThat(again.pixels()).isSameAs(pixels);
        assertThat(buffers.samples(0))
                .as("the JPEG reader decoded into the kept sample array")
                .isSameAs(samples);
        assertThat(samples.length).isEqualTo(640 * 480 * 3);
        assertThat(again.pixels()).isEqualTo(decoder.decode(second).pixels());
    }

    @Test
    void aSmallerPhotoDecodesIntoTheLargerSampleArray() throws Exception {
        DecodeBuffers buffers = new DecodeBuffers();
        decoder.decode(jpeg(640, 480, 1), buffers);
        byte[] samples = buffers.samples(0);
        byte[] small = jpeg(300, 200, 3);

        DecodedImage image = decoder.decode(small, buffers);

        assertThat(buffers.samples(0)).isSameAs(samples);
        assertThat(image.pixels()).isEqualTo(decoder.decode(small).pixels());
    }

    @Test
    void thePoolKeepsAtMostItsCapacityAndNothingOverTheRetainedSize() {
        DecodeBuffers.Pool pool = new DecodeBuffers.Pool(2);
        DecodeBuffers a = pool.take();
        DecodeBuffers b = pool.take();
        DecodeBuffers c = pool.take();
        assertThat(a).isNotSameAs(b);
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertThat(pool.idle()).isEqualTo(2);
        assertThat(pool.take()).isSameAs(b);

        DecodeBuffers big = new DecodeBuffers();
        int[] over = big.pixels(DecodeBuffers.RETAINED_PIXELS + 1);
        pool.give(big);
        assertThat(pool.take().pixels(DecodeBuffers.RETAINED_PIXELS + 1)).isNotSameAs(over);
        DecodeBuffers kept = new DecodeBuffers();
        int[] atLimit = kept.pixels(DecodeBuffers.RETAINED_PIXELS);
        pool.give(kept);
        assertThat(pool.take().pixels(DecodeBuffers.RETAINED_PIXELS)).isSameAs(atLimit);
    }

    @Test
    void theCropThroughThePoolIsTheCropOfTheDecodedImage() throws Exception {
        ClipPreprocessor preprocessor = new ClipPreprocessor(224);
        for (int i = 0; i < 3; i++) {
            byte[] photo = jpeg(640, 480, 10 + i);
            RgbCrop crop = preprocessor.crop(photo);
            assertThat(crop.pixels())
                    .isEqualTo(preprocessor.crop(decoder.decode(photo)).pixels());
            float[] tensor = new float[preprocessor.tensorLength()];
            preprocessor.toTensor(crop, tensor, 0);
            assertThat(tensor).isEqualTo(preprocessor.preprocess(photo));
        }
    }

    private static byte[] jpeg(int width, int height, long seed) {
        return TestImages.photoJpeg(width, height, BufferedImage.TYPE_3BYTE_BGR, seed);
    }
}
