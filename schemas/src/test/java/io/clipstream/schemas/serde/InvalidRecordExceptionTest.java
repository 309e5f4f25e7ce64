package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class InvalidRecordExceptionTest {

    @Test
    void isAKafkaSerializationExceptionNamingItsReason() {
        var e = new InvalidRecordException(InvalidRecordException.Reason.WRONG_MAGIC_BYTE, "first byte is 0x7b");
        assertThat(e).isInstanceOf(SerializationException.class).hasMessage("WRONG_MAGIC_BYTE: first byte is 0x7b");
        assertThat(e.reason()).isEqualTo(InvalidRecordException.Reason.WRONG_MAGIC_BYTE);
    }
}
