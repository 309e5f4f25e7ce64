package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InputRecordTest {

    @Test
    void survivesTheBufferFormatWithAndWithoutKeyAndValue() {
        InputRecord full = new InputRecord("images", 2, 41, 1234, "k".getBytes(), new byte[] {0, 1, 2, (byte) 255});
        InputRecord back = InputRecord.fromBytes(full.toBytes());
        assertThat(back.topic()).isEqualTo("images");
        assertThat(back.partition()).isEqualTo(2);
        assertThat(back.offset()).isEqualTo(41);
        assertThat(back.timestamp()).isEqualTo(1234);
        assertThat(back.key()).isEqualTo("k".getBytes());
        assertThat(back.value()).isEqualTo(new byte[] {0, 1, 2, (byte) 255});
        assertThat(back.keyText()).isEqualTo("k");

        InputRecord empty = InputRecord.fromBytes(new InputRecord("t", -1, -1, 0, null, null).toBytes());
        assertThat(empty.key()).isNull();
        assertThat(empty.value()).isNull();
        assertThat(empty.keyText()).isEmpty();
    }

    @Test
    void aDamagedEntryFailsClearly() {
        byte[] bytes = new InputRecord("images", 0, 0, 0, "k".getBytes(), new byte[100]).toBytes();
        assertThatThrownBy(() -> InputRecord.fromBytes(Arrays.copyOf(bytes, bytes.length - 10)))
                .hasMessageContaining("corrupt image buffer entry");
    }
}
