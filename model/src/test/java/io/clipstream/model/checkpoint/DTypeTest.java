package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected bit patterns are the IEEE 754 binary16 and bfloat16 definitions. */
class DTypeTest {

    @Test
    void halfEncodingsOfKnownValues() {
        assertThat(DType.floatToHalf(1f)).isEqualTo((short) 0x3c00);
        assertThat(DType.floatToHalf(-2f)).isEqualTo((short) 0xc000);
        assertThat(DType.floatToHalf(65504f)).isEqualTo((short) 0x7bff); // largest half
        assertThat(DType.floatToHalf(65520f)).isEqualTo((short) 0x7c00); // rounds to infinity
        assertThat(DType.floatToHalf(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(DType.floatToHalf(0x1p-26f)).isEqualTo((short) 0x0000); // a quarter ulp: to zero
        assertThat(DType.floatToHalf(0x1p-14f)).isEqualTo((short) 0x0400); // smallest normal
        assertThat(DType.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00); // tie: to even
        assertThat(DType.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02); // tie: to even (up)
        assertThat(DType.halfToFloat(0x3555)).isEqualTo(0.333251953125f);
        assertThat(DType.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(DType.halfToFloat(0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(DType.halfToFloat(0x7e00)).isNaN();
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = DType.halfToFloat(h);
            if (Float.isNaN(f)) continue;
            assertThat(DType.floatToHalf(f) & 0xffff).as("0x%04x", h).isEqualTo(h);
        }
    }

    @Test
    void bfloat16KeepsTheTopHalfRoundedToEven() {
        assertThat(DType.floatToBfloat16(1f)).isEqualTo((short) 0x3f80);
        assertThat(DType.floatToBfloat16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie, even
        assertThat(DType.floatToBfloat16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie, up
        assertThat(DType.floatToBfloat16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
        assertThat(DType.bfloat16ToFloat(0xc000)).isEqualTo(-2f);
        assertThat(DType.bfloat16ToFloat(DType.floatToBfloat16(Float.NaN))).isNaN();
    }
}
