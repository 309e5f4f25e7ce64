package io.clipstream.topology.labelsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FloatArraySerdeTest {
    private final FloatArraySerde serde = new FloatArraySerde();

    @Test
    void keepsEveryBit() {
        float[] v = {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, -3.25e-7f};
        byte[] bytes = serde.serializer().serialize("t", v);
        assertThat(bytes).hasSize(4 * v.length);
        assertThat(serde.deserializer().deserialize("t", bytes)).containsExactly(v);
    }

    @Test
    void refusesALengthThatIsNotWholeFloats() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[5]))
                .hasMessageContaining("5 bytes");
    }
}
