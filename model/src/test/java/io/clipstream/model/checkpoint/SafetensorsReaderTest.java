package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsF32AndSkipsI64() throws IOException {
        Path file = file(
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
                data(0L, 1L, 1.5f, -2f));
        Map<String, Tensor> read = SafetensorsReader.read(file);
        assertThat(read).containsOnlyKeys("w");
        assertThat(read.get("w").data()).containsExactly(1.5f, -2f);
    }

    @Test
    void readsF16AndBf16() throws IOException {
        // 1.0 and -2.0 as IEEE half (0x3c00, 0xc000) and as bfloat16 (0x3f80, 0xc000)
        Path file = file(
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}",
                new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, (byte) 0x80, 0x3f, 0x00, (byte) 0xc0});
        Map<String, Tensor> read = SafetensorsReader.read(file);
        assertThat(read.get("h").data()).containsExactly(1f, -2f);
        assertThat(read.get("b").data()).containsExactly(1f, -2f);
    }

    @Test
    void refusesAHeaderClaimingMoreBytesThanTheFileHas() throws IOException {
        byte[] bytes = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(5000)
                .put("{}  ".getBytes())
                .array();
        Path file = Files.write(tmp.resolve("claims.safetensors"), bytes);
        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("header claims 5000 bytes, the file has 4");
    }

    @Test
    void refusesAnAbsurdHeaderLength() throws IOException {
        byte[] bytes = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1L << 40)
                .put("{}  ".getBytes())
                .array();
        Path file = Files.write(tmp.resolve("huge.safetensors"), bytes);
        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("bad safetensors header length");
    }

    @Test
    void refusesOffsetsBeyondTheData() throws IOException {
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", data(1f, 2f));
        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("outside the 8 data bytes");
    }

    @Test
    void refusesOffsetsThatDisagreeWithTheShape() throws IOException {
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data(1f, 2f));
        assertThatThrownBy(() -> SafetensorsReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("needs 12 bytes, data_offsets give 8");
    }

    @Test
    void refusesOtherDtypesAndBadJson() throws IOException {
        Path u8 = file("{\"w\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", data(1f, 2f));
        assertThatThrownBy(() -> SafetensorsReader.read(u8))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unsupported safetensors dtype U8 for 'w'");
        Path json = file("{\"w\":", data(1f, 2f));
        assertThatThrownBy(() -> SafetensorsReader.read(json))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("bad safetensors header");
    }

    private Path file(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        return Files.write(tmp.resolve("t" + System.nanoTime() + ".safetensors"), b.array());
    }

    private static byte[] data(Object... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : values) {
            if (v instanceof Long l) b.putLong(l);
            else b.putFloat((Float) v);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
