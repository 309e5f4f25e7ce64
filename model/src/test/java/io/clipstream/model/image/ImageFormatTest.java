package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageFormatTest {

    @Test
    void recognisesAcceptedFormatsByTheirLeadingBytes() {
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/rgb_odd.png"))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/baseline.jpg")))
                .contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/static.gif"))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/bitmap.bmp"))).contains(ImageFormat.BMP);
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/lossy.webp"))).contains(ImageFormat.WEBP);
    }

    @Test
    void recognisesNothingElse() {
        assertThat(ImageFormat.sniff(TestImages.resource("inputs/image.tiff"))).isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0x89, 'P', 'N'})).isEmpty();
        assertThat(ImageFormat.sniff("RIFF0000WAVE".getBytes())).isEmpty();
        assertThat(ImageFormat.knownUnsupported(TestImages.resource("inputs/image.tiff")))
                .isEqualTo("TIFF");
        assertThat(ImageFormat.knownUnsupported(new byte[] {1, 2, 3})).isNull();
        assertThat(ImageFormat.knownUnsupported("%PDF-1.4".getBytes()))
                .as("a document, not an image")
                .isNull();
        assertThat(ImageFormat.knownUnsupported("<html><body></body></html>".getBytes()))
                .isNull();
        assertThat(ImageFormat.knownUnsupported("\n  <svg xmlns='x'/>".getBytes()))
                .isEqualTo("SVG");
    }
}
