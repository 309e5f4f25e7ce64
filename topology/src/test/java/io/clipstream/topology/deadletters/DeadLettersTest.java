package io.clipstream.topology.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.Harness;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.RecordLimits;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final int MB = 1 << 20;

    @Test
    void carriesWhereTheInputCameFromItsBytesAndWhy() {
        InputRecord input = new InputRecord("images", 1, 5, 10, "k".getBytes(), new byte[] {7, 8});
        DeadLetter d = DeadLetters.of(input, ErrorCode.CORRUPT_IMAGE, Stage.DECODE, "x".repeat(5000), 1234, MB);
        assertThat(d.getTopic()).isEqualTo("images");
        assertThat(d.getPartition()).isEqualTo(1);
        assertThat(d.getOffset()).isEqualTo(5);
        assertThat(Harness.bytes(d.getKey())).isEqualTo("k".getBytes());
        assertThat(Harness.bytes(d.getOriginal())).isEqualTo(new byte[] {7, 8});
        assertThat(d.getOriginalTruncated()).isFalse();
        assertThat(d.getOriginalSize()).isEqualTo(2);
        assertThat(Harness.bytes(d.getOriginalSha256())).isEqualTo(DeadLetters.sha256(new byte[] {7, 8}));
        assertThat(d.getCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
        assertThat(d.getStage()).isEqualTo(Stage.DECODE);
        assertThat(d.getMessage()).hasSize(2000);
        assertThat(d.getTime().toEpochMilli()).isEqualTo(1234);
    }

    @Test
    void aTombstoneInputHasNoOriginalBytes() {
        DeadLetter d = DeadLetters.of(
                new InputRecord("t", 0, 0, 0, null, null), ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, null, 0, MB);
        assertThat(d.getKey()).isNull();
        assertThat(d.getOriginal()).isNull();
        assertThat(d.getOriginalSize()).isEqualTo(-1);
        assertThat(d.getOriginalSha256()).isNull();
        assertThat(d.getMessage()).isEmpty();
    }

    @Test
    void anOriginalThatDoesNotFitIsCutToWhatFitsWithItsSizeAndHash() {
        byte[] value = new byte[3 * MB];
        new Random(1).nextBytes(value);
        InputRecord input = new InputRecord("images", 0, 9, 0, "big".getBytes(), value);
        DeadLetter d = DeadLetters.of(input, ErrorCode.IMAGE_TOO_LARGE, Stage.DECODE, "m".repeat(2000), 0, MB);

        assertThat(d.getOriginalTruncated()).isTrue();
        assertThat(d.getOriginalSize()).isEqualTo(value.length);
        assertThat(Harness.bytes(d.getOriginalSha256())).isEqualTo(DeadLetters.sha256(value));
        byte[] kept = Harness.bytes(d.getOriginal());
        assertThat(kept).isEqualTo(Arrays.copyOf(value, kept.length));
        assertThat(kept.length).as("as much as fits").isGreaterThan(MB - 32 * 1024);
        assertThat(RecordLimits.fits(d, 3, MB)).isTrue();
    }

    @Test
    void anOriginalRightAtTheLimitIsCutAndOneJustUnderItIsNot() {
        int room = RecordLimits.room(MB) - 1_024 - 6_000 - 2 * 3 - 3 * "images".length();
        InputRecord fits = new InputRecord("images", 0, 0, 0, "key".getBytes(), new byte[room]);
        InputRecord over = new InputRecord("images", 0, 0, 0, "key".getBytes(), new byte[room + 1]);
        DeadLetter kept = DeadLetters.of(fits, ErrorCode.CORRUPT_IMAGE, Stage.DECODE, "", 0, MB);
        DeadLetter cut = DeadLetters.of(over, ErrorCode.CORRUPT_IMAGE, Stage.DECODE, "", 0, MB);
        assertThat(kept.getOriginalTruncated()).isFalse();
        assertThat(cut.getOriginalTruncated()).isTrue();
        assertThat(RecordLimits.fits(kept, 3, MB)).isTrue();
        assertThat(RecordLimits.fits(cut, 3, MB)).isTrue();
    }

    @Test
    void anOverlongKeyIsCut() {
        byte[] key = new byte[RecordLimits.MAX_KEY_BYTES + 10];
        InputRecord input = new InputRecord("images", 0, 0, 0, key, new byte[] {1});
        DeadLetter d = DeadLetters.of(input, ErrorCode.RECORD_TOO_LARGE, Stage.DESERIALIZE, "", 0, MB);
        assertThat(d.getKey().remaining()).isEqualTo(RecordLimits.MAX_KEY_BYTES);
        assertThat(DeadLetters.recordKey(input)).hasSize(RecordLimits.MAX_KEY_BYTES);
    }
}
