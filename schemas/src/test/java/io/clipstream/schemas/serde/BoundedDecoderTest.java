package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundedDecoderTest {

    @Test
    void countsRemainingBytesAndReadsStrings() throws Exception {
        BoundedDecoder decoder = new BoundedDecoder(new byte[] {9, 4, 'h', 'i', 2}, 1, 4);
        assertThat(decoder.remaining()).isEqualTo(4);
        assertThat(decoder.readString()).isEqualTo("hi");
        assertThat(decoder.remaining()).isEqualTo(1);
        assertThat(decoder.readLong()).isEqualTo(1);
        assertThat(decoder.remaining()).isZero();
    }

    @Test
    void refusesLengthsAndCountsBeyondTheBytesLeft() {
        assertThatThrownBy(() -> new BoundedDecoder(new byte[] {6, 'h', 'i'}, 0, 3).readBytes(null))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.TRUNCATED));
        assertThatThrownBy(() -> new BoundedDecoder(new byte[] {3}, 0, 1).readString())
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new BoundedDecoder(new byte[] {8, 0}, 0, 2).readArrayStart())
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.MALFORMED));
    }
}
