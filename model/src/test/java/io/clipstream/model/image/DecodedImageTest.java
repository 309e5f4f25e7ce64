package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecodedImageTest {

    @Test
    void readsBandsFromPackedPixels() {
        DecodedImage image = new DecodedImage(PillowMode.RGB, 2, 1, new int[] {0, 10 | 20 << 8 | 30 << 16});
        assertThat(image.sample(1, 0, 0)).isEqualTo(10);
        assertThat(image.sample(1, 0, 2)).isEqualTo(30);
    }

    @Test
    void checksSizeAndPalette() {
        assertThatThrownBy(() -> new DecodedImage(PillowMode.L, 2, 2, new int[3]))
                .hasMessageContaining("2x2");
        assertThatThrownBy(() -> new DecodedImage(PillowMode.P, 1, 1, new int[1]))
                .hasMessageContaining("palette");
        assertThatThrownBy(() -> new DecodedImage(PillowMode.L, 1, 1, new int[1], new int[256]))
                .hasMessageContaining("palette");
    }
}
