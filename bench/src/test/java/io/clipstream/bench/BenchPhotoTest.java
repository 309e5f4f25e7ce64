package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class BenchPhotoTest {
    @Test
    void aCameraSizedJpegOfAboutOneHundredKilobytes() throws Exception {
        byte[] jpeg = BenchPhoto.of(3);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(480);
        assertThat(jpeg.length).isBetween(70 << 10, 140 << 10);
    }

    @Test
    void eachSeedIsAnotherPictureAndTheSameSeedTheSame() throws Exception {
        assertThat(BenchPhoto.of(1)).isEqualTo(BenchPhoto.of(1)).isNotEqualTo(BenchPhoto.of(2));
    }
}
