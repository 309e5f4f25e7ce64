package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import org.junit.jupiter.api.Test;

class FloatReaderTest {

    @Test
    void readsAcrossBufferChunks() throws Exception {
        int n = (1 << 20) / 2 + 3; // more F16 elements than one 1 MiB chunk holds
        ByteBuffer b = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putShort((short) (i % 2 == 0 ? 0x3c00 : 0xc000)); // 1, -2, 1, -2, ...
        float[] read = FloatReader.read(Channels.newChannel(new ByteArrayInputStream(b.array())), DType.F16, n, "t");
        assertThat(read).hasSize(n);
        assertThat(read[0]).isEqualTo(1f);
        assertThat(read[n - 2]).isEqualTo(-2f);
        assertThat(read[n - 1]).isEqualTo(1f);
    }

    @Test
    void aShortChannelIsATruncatedFile() {
        byte[] bytes = new byte[10];
        assertThatThrownBy(() -> FloatReader.read(
                        Channels.newChannel(new ByteArrayInputStream(bytes)), DType.F32, 3, "tensor 'w'"))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("truncated file: tensor 'w' ends after 0 of 3 elements");
    }
}
