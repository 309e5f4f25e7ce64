package io.clipstream.model.image;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.image.ImageRejectedException.Reason;
import io.clipstream.model.image.TestImages.Golden;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs with the default decoder (libjpeg-turbo for JPEGs when the host has it); the subclass with ImageIO only. */
class ImageDecoderTest {

    private final ImageDecoder decoder = decoder(ImageDecoder.DEFAULT_MAX_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS);

    ImageDecoder decoder(long maxBytes, long maxPixels) {
        return new ImageDecoder(maxBytes, maxPixels);
    }

    static List<Golden> allInputs() {
        return TestImages.index();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allInputs")
    void decodesEveryFixtureWithPillowsModeAndSize(Golden golden) throws Exception {
        DecodedImage image = decoder.decode(TestImages.resource(golden.file()));

        assertThat(image.mode().pillowName()).isEqualTo(golden.pillowMode());
        assertThat(image.width()).isEqualTo(golden.width());
        assertThat(image.height()).isEqualTo(golden.height());
    }

    @Test
    void refusesNoBytes() {
        assertRejected(new byte[0], Reason.CORRUPT).hasMessageContaining("empty");
        assertRejected(null, Reason.CORRUPT);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026})
    void randomBytesAreCorruptNotUnsupported(long seed) {
        byte[] junk = new byte[4096];
        new Random(seed).nextBytes(junk);
        assertRejected(junk, Reason.CORRUPT).hasMessageContaining("not an image in any known format");
    }

    @Test
    void textAndDocumentsAreCorruptNotUnsupported() {
        assertRejected("plain text, not an image".getBytes(US_ASCII), Reason.CORRUPT);
        assertRejected("<!DOCTYPE html><html><body>404</body></html>".getBytes(US_ASCII), Reason.CORRUPT)
                .hasMessageContaining("HTML");
        assertRejected("%PDF-1.7\n%...".getBytes(US_ASCII), Reason.CORRUPT).hasMessageContaining("PDF");
        byte[] mp4 = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0};
        assertRejected(mp4, Reason.CORRUPT).hasMessageContaining("mp42");
    }

    @Test
    void bytesThatOnlyStartLikeAnAcceptedFormatAreCorrupt() {
        byte[] png = TestImages.resource("inputs/rgb_odd.png");
        byte[] jpeg = TestImages.resource("inputs/baseline.jpg");
        for (int length : new int[] {1, 3, 8, 20, 40, 200}) {
            assertRejected(Arrays.copyOf(png, length), Reason.CORRUPT);
            assertRejected(Arrays.copyOf(jpeg, length), Reason.CORRUPT);
        }
        assertRejected(new byte[] {'B', 'M', 1, 2}, Reason.CORRUPT);
        assertRejected(new byte[] {'G', 'I', 'F', '8', '9', 'a', 0}, Reason.CORRUPT);
        byte[] junkAfterJpegMagic = new byte[2048];
        new Random(5).nextBytes(junkAfterJpegMagic);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, 0, junkAfterJpegMagic, 0, 3);
        assertRejected(junkAfterJpegMagic, Reason.CORRUPT);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "inputs/rgb_odd.png",
                "inputs/baseline.jpg",
                "inputs/progressive.jpg",
                "inputs/static.gif",
                "inputs/lossless.webp",
                "inputs/lossy.webp",
                "inputs/bitmap.bmp",
                "inputs/cmyk.jpg"
            })
    void refusesTruncatedFilesInsteadOfReturningHalfAnImage(String file) {
        byte[] whole = TestImages.resource(file);
        for (double fraction : new double[] {0.3, 0.6, 0.9}) {
            byte[] cut = Arrays.copyOf(whole, (int) (whole.length * fraction));
            assertRejected(cut, Reason.CORRUPT);
        }
    }

    @Test
    void refusesRandomBytesAfterAValidSignature() {
        byte[] png = TestImages.resource("inputs/rgb_odd.png");
        byte[] damaged = png.clone();
        byte[] noise = new byte[damaged.length - 100];
        new Random(3).nextBytes(noise);
        System.arraycopy(noise, 0, damaged, 100, noise.length);
        assertRejected(damaged, Reason.CORRUPT);
    }

    @Test
    void refusesAHugePngFromItsHeaderWithoutDecoding() {
        byte[] png = pngHeaderOnly(30000, 30000);
        assertRejected(png, Reason.TOO_LARGE).hasMessageContaining("30000x30000");
    }

    @Test
    void refusesAHugeJpegFromItsHeader() {
        byte[] jpeg = TestImages.resource("inputs/baseline.jpg").clone();
        int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
        assertThat(sof).isPositive();
        ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) 30000).putShort((short) 30000); // height, width
        assertRejected(jpeg, Reason.TOO_LARGE).hasMessageContaining("30000x30000");
    }

    @Test
    void pixelAndByteLimitsAreConfigurable() throws Exception {
        byte[] png = TestImages.resource("inputs/rgb_odd.png"); // 301x203
        assertThat(decoder(png.length, 301 * 203).decode(png).width()).isEqualTo(301);
        assertThatThrownBy(() -> decoder(png.length, 301 * 203 - 1).decode(png))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
        assertThatThrownBy(() -> decoder(png.length - 1, 301 * 203).decode(png))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"inputs/baseline.jpg", "inputs/progressive.jpg", "inputs/gray.jpg"})
    void theJpegPixelLimitHoldsAtTheLimit(String file) throws Exception {
        byte[] jpeg = TestImages.resource(file);
        DecodedImage whole = decoder.decode(jpeg);
        long pixels = (long) whole.width() * whole.height();
        assertThat(decoder(jpeg.length, pixels).decode(jpeg).pixels()).isEqualTo(whole.pixels());
        assertThatThrownBy(() -> decoder(jpeg.length, pixels - 1).decode(jpeg))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining(whole.width() + "x" + whole.height());
    }

    /** Damaged JPEGs reach native decoders: each must decode or be refused, never fail any other way. */
    @ParameterizedTest
    @ValueSource(strings = {"inputs/baseline.jpg", "inputs/progressive.jpg", "inputs/gray.jpg", "inputs/h2v1.jpg"})
    void aJpegWithRandomBytesChangedDecodesOrIsRefused(String file) {
        byte[] jpeg = TestImages.resource(file);
        Random random = new Random(file.hashCode());
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] damaged = jpeg.clone();
            int changes = 1 + random.nextInt(8);
            for (int i = 0; i < changes; i++) {
                // mostly the header and tables, where a byte changes what the decoder allocates and reads
                int at = 2
                        + (random.nextBoolean()
                                ? random.nextInt(Math.min(700, jpeg.length - 2))
                                : random.nextInt(jpeg.length - 2));
                damaged[at] = (byte) random.nextInt(256);
            }
            try {
                DecodedImage image = decoder.decode(damaged);
                assertThat((long) image.width() * image.height()).isEqualTo(image.pixels().length);
            } catch (ImageRejectedException e) {
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            }
        }
        assertThat(refused).as("some damage is found").isPositive();
    }

    @Test
    void refusesAProgressiveJpegOverTheScanLimitAndOnlyThen() throws Exception {
        // the last scan repeated: a decoder that takes every scan spends time without bound on a small file
        byte[] at = progressiveWithScans(ImageDecoder.MAX_PROGRESSIVE_SCANS);
        byte[] over = progressiveWithScans(ImageDecoder.MAX_PROGRESSIVE_SCANS + 1);
        assertThat(ImageDecoder.JpegHeader.progressiveScans(at, ImageDecoder.MAX_PROGRESSIVE_SCANS))
                .isEqualTo(ImageDecoder.MAX_PROGRESSIVE_SCANS);

        assertRejected(over, Reason.TOO_LARGE).hasMessageContaining("more than 500 scans");
        assertRejected(progressiveWithScans(5_000), Reason.TOO_LARGE);
        // at the limit the decoder runs; the repeated refinement scans are themselves bad, so it refuses them
        assertRejected(at, Reason.CORRUPT);
    }

    @Test
    void aBaselineJpegHasNoProgressiveScansToCount() {
        assertThat(ImageDecoder.JpegHeader.progressiveScans(TestImages.resource("inputs/baseline.jpg"), 500))
                .isZero();
        assertThat(ImageDecoder.JpegHeader.progressiveScans(TestImages.resource("inputs/progressive.jpg"), 500))
                .isEqualTo(scanMarkers(TestImages.resource("inputs/progressive.jpg")));
    }

    /** progressive.jpg with its last scan repeated until the file has {@code scans} of them. */
    private static byte[] progressiveWithScans(int scans) {
        byte[] jpeg = TestImages.resource("inputs/progressive.jpg");
        int lastScan = lastIndexOf(jpeg, (byte) 0xFF, (byte) 0xDA);
        int end = jpeg.length - 2; // EOI
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int i = scanMarkers(jpeg); i < scans; i++) {
            out.write(jpeg, lastScan, end - lastScan);
        }
        out.write(jpeg, end, 2);
        return out.toByteArray();
    }

    /** Every 0xFF 0xDA pair: the start-of-scan markers of a file whose tables hold no such pair. */
    private static int scanMarkers(byte[] b) {
        int n = 0;
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == (byte) 0xFF && b[i + 1] == (byte) 0xDA) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aPixelLimitTooLargeForAnArrayIsRefusedAtTheLimit() {
        assertThat(new ImageDecoder(1, Integer.MAX_VALUE / 4).jpegDecoder()).isNotEmpty();
        assertThatThrownBy(() -> new ImageDecoder(1, Integer.MAX_VALUE / 4 + 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTiff() {
        assertRejected(TestImages.resource("inputs/image.tiff"), Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("TIFF");
    }

    @Test
    void aTiffHeaderAloneIsUnsupportedNotCorrupt() {
        assertRejected(new byte[] {'I', 'I', 0x2A, 0, 8, 0, 0, 0}, Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("TIFF");
        assertRejected(new byte[] {'M', 'M', 0, 0x2A, 0, 0, 0, 8}, Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("TIFF");
        assertRejected(new byte[] {'I', 'I', 0x2B, 0, 8, 0, 0, 0}, Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("TIFF");
    }

    @Test
    void refusesHeic() {
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
        assertRejected(heic, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("HEIC");
        byte[] mif1 = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1', 0, 0, 0, 0};
        assertRejected(mif1, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("HEIC");
        byte[] avif = {0, 0, 0, 28, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0};
        assertRejected(avif, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("AVIF");
    }

    @Test
    void otherRecognisedImageFormatsAreUnsupported() {
        byte[] jp2 = {0, 0, 0, 0x0C, 'j', 'P', 0x20, 0x20, 0x0D, 0x0A, (byte) 0x87, 0x0A, 0, 0};
        assertRejected(jp2, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("JPEG 2000");
        byte[] j2k = {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51, 0, 0x2F};
        assertRejected(j2k, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("JPEG 2000");
        byte[] jxl = {(byte) 0xFF, 0x0A, (byte) 0xFA, 0x7F};
        assertRejected(jxl, Reason.UNSUPPORTED_FORMAT).hasMessageContaining("JPEG XL");
        assertRejected("8BPS\u0000\u0001".getBytes(US_ASCII), Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("PSD");
        assertRejected(
                        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(US_ASCII),
                        Reason.UNSUPPORTED_FORMAT)
                .hasMessageContaining("SVG");
    }

    @Test
    void readsTheFirstFrameOfAnAnimatedGif() throws Exception {
        DecodedImage image = decoder.decode(TestImages.resource("inputs/animated.gif"));

        assertThat(image.width()).isEqualTo(50);
        assertThat(image.height()).isEqualTo(40);
        for (int p : image.pixels()) { // frames are uniform grey 30, 200, 90 (make_image_golden.py)
            assertThat(PillowConvert.toRgb(image.mode(), p, image.palette())).isEqualTo(30 | 30 << 8 | 30 << 16);
        }
    }

    @Test
    void keepsCmykInksAsPillowDoes() throws Exception {
        DecodedImage image = decoder.decode(TestImages.resource("inputs/cmyk.jpg"));
        assertThat(image.mode()).isEqualTo(PillowMode.CMYK);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] bytes, Reason reason) {
        return assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** A PNG whose IHDR declares the size and which then ends: no IDAT at all. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] kind = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(kind);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(kind);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static int indexOf(byte[] b, byte first, byte second) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte first, byte second) {
        for (int i = b.length - 2; i >= 0; i--) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        return -1;
    }
}
