package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void headerIsMagicByteThenBigEndianId() {
        assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 1, 0, 9})).isEqualTo(256);
    }

    @Test
    void refusesShortAndUnframedBytes() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 0, 1}))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.TRUNCATED));
        assertThatThrownBy(() -> WireFormat.schemaId("{\"json\":1}".getBytes()))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.WRONG_MAGIC_BYTE))
                .hasMessageContaining("0x7b");
    }
}
