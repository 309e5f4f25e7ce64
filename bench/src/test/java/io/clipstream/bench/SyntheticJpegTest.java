package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SyntheticJpegTest {
    @Test
    void isAJpegOfTheRequestedSizeThatIsNeitherFlatNorNoise() throws Exception {
        byte[] jpeg = SyntheticJpeg.of(320, 240, 1);
        assertThat(jpeg).startsWith(0xFF, 0xD8);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(240);
        assertThat(decoded.getRGB(0, 0)).isNotEqualTo(decoded.getRGB(319, 239));
        // About 0.3–3 bits per pixel, as camera JPEGs at quality 0.9.
        assertThat(jpeg.length * 8.0 / (320 * 240)).isBetween(0.3, 6.0);
    }

    @Test
    void theSameSeedGivesTheSameBytes() throws Exception {
        assertThat(SyntheticJpeg.of(64, 48, 9)).isEqualTo(SyntheticJpeg.of(64, 48, 9));
    }
}
