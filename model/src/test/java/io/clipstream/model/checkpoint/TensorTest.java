package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void numelIsTheProductOfTheShape() {
        assertThat(new Tensor(new long[] {2, 3}, new float[6]).numel()).isEqualTo(6);
        assertThat(new Tensor(new long[0], new float[] {4}).numel()).isEqualTo(1);
        assertThat(new Tensor(new long[] {0, 5}, new float[0]).numel()).isZero();
    }

    @Test
    void shapeMustMatchTheData() {
        assertThatThrownBy(() -> new Tensor(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3] needs 6 values, got 5");
        assertThatThrownBy(() -> new Tensor(new long[] {-1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void equalityComparesContents() {
        assertThat(new Tensor(new long[] {2}, new float[] {1, 2}))
                .isEqualTo(new Tensor(new long[] {2}, new float[] {1, 2}))
                .isNotEqualTo(new Tensor(new long[] {2}, new float[] {1, 3}))
                .isNotEqualTo(new Tensor(new long[] {1, 2}, new float[] {1, 2}));
    }
}
