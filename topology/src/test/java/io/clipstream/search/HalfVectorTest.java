package io.clipstream.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfVectorTest {

    @Test
    void everyHalfSurvivesTheRoundTripThroughFloat() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfVector.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat((h >>> 10) & 0x1f).isEqualTo(0x1f);
                assertThat(Float.isNaN(HalfVector.toFloat(HalfVector.toHalf(f))))
                        .isTrue();
            } else {
                assertThat(HalfVector.toHalf(f)).as("half %04x", h).isEqualTo((short) h);
            }
        }
    }

    @Test
    void floatsRoundToTheNearestHalfTiesToEven() {
        Random random = new Random(5);
        for (int n = 0; n < 200_000; n++) {
            // magnitudes from the subnormal halves to past the largest
            float x = (float)
                    (Math.scalb(1 + random.nextDouble(), random.nextInt(44) - 28) * (random.nextBoolean() ? 1 : -1));
            short h = HalfVector.toHalf(x);
            float y = HalfVector.toFloat(h);
            if (Math.abs(x) >= 65520f) {
                assertThat(Float.isInfinite(y)).as("%s", x).isTrue();
                continue;
            }
            // no half lies nearer to x than the one chosen: its neighbours towards zero and away from it
            int magnitude = h & 0x7fff;
            for (int other : new int[] {magnitude - 1, magnitude + 1}) {
                if (other < 0 || other >= 0x7c00) {
                    continue;
                }
                float z = HalfVector.toFloat((short) ((h & 0x8000) | other));
                double mine = Math.abs((double) y - x);
                double theirs = Math.abs((double) z - x);
                assertThat(mine).as("%s -> %s, not %s", x, y, z).isLessThanOrEqualTo(theirs);
                if (mine == theirs) {
                    assertThat(magnitude & 1).as("a tie goes to the even half").isZero();
                }
            }
        }
    }

    @Test
    void theEdgesOfTheRange() {
        assertThat(HalfVector.toFloat(HalfVector.toHalf(65504f))).isEqualTo(65504f);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(65519.99f))).isEqualTo(65504f);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(65520f))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(-1e9f))).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(0x1p-24f))).isEqualTo(0x1p-24f);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(0x1p-25f))).isZero(); // a tie, to the even zero
        assertThat(HalfVector.toFloat(HalfVector.toHalf(0x1.8p-25f))).isEqualTo(0x1p-24f);
        assertThat(HalfVector.toFloat(HalfVector.toHalf(0x1.8p-24f))).isEqualTo(0x1p-23f); // tie: 1.5 -> 2
        assertThat(HalfVector.toFloat(HalfVector.toHalf(1 + 0x1p-11f))).isEqualTo(1f); // tie: to even
        assertThat(HalfVector.toFloat(HalfVector.toHalf(1 + 0x1.8p-11f))).isEqualTo(1 + 0x1p-10f);
        assertThat(Float.floatToIntBits(HalfVector.toFloat(HalfVector.toHalf(-0f))))
                .isEqualTo(Float.floatToIntBits(-0f));
        assertThat(HalfVector.toFloat(HalfVector.toHalf(Float.NaN))).isNaN();
    }

    @Test
    void aUnitVectorKeepsItsCosinesToAFewHundredThousandths() {
        Random random = new Random(8);
        for (int n = 0; n < 100; n++) {
            float[] v = SignCodesTest.gaussianUnit(random, 512);
            float[] q = SignCodesTest.gaussianUnit(random, 512);
            double exact = 0;
            for (int i = 0; i < v.length; i++) {
                exact += (double) v[i] * q[i];
            }
            assertThat(Math.abs(HalfVector.of(v).cosine(q) - exact)).isLessThan(5e-5);
        }
    }
}
