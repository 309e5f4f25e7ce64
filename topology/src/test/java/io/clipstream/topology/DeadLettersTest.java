package io.clipstream.topology;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    @Test
    void carriesWhereTheInputCameFromItsBytesAndWhy() {
        InputRecord input = new InputRecord("images", 1, 5, 10, "k".getBytes(), new byte[]{7, 8});
        DeadLetter d = DeadLetters.of(input, ErrorCode.CORRUPT_IMAGE, Stage.DECODE, "x".repeat(5000), 1234);
        assertThat(d.getTopic()).isEqualTo("images");
        assertThat(d.getPartition()).isEqualTo(1);
        assertThat(d.getOffset()).isEqualTo(5);
        assertThat(Harness.bytes(d.getKey())).isEqualTo("k".getBytes());
        assertThat(Harness.bytes(d.getOriginal())).isEqualTo(new byte[]{7, 8});
        assertThat(d.getCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
        assertThat(d.getStage()).isEqualTo(Stage.DECODE);
        assertThat(d.getMessage()).hasSize(2000);
        assertThat(d.getTime().toEpochMilli()).isEqualTo(1234);
    }

    @Test
    void aTombstoneInputHasNoOriginalBytes() {
        DeadLetter d = DeadLetters.of(new InputRecord("t", 0, 0, 0, null, null), ErrorCode.UNREADABLE_RECORD,
                Stage.DESERIALIZE, null, 0);
        assertThat(d.getKey()).isNull();
        assertThat(d.getOriginal()).isNull();
        assertThat(d.getMessage()).isEmpty();
    }
}
