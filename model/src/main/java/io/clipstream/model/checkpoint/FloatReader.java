package io.clipstream.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads little-endian F32/F16/BF16 elements from a channel straight into a float array, through a small
 * buffer: the raw bytes of a whole tensor are never held next to its floats.
 */
final class FloatReader {
    private static final int CHUNK = 1 << 20;

    private FloatReader() {}

    /** {@code count} elements of {@code type}; a channel that ends early is a truncated file. */
    static float[] read(ReadableByteChannel in, DType type, int count, String what) throws IOException {
        float[] out = new float[count];
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(type.bytes(), (long) count * type.bytes())))
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (long) (count - done) * type.bytes()));
            while (buf.hasRemaining()) {
                if (in.read(buf) < 0) {
                    throw new CheckpointException(
                            "truncated file: " + what + " ends after " + done + " of " + count + " elements");
                }
            }
            buf.flip();
            done = decode(buf, type, out, done);
        }
        return out;
    }

    private static int decode(ByteBuffer buf, DType type, float[] out, int at) {
        switch (type) {
            case F32 -> {
                int n = buf.remaining() / 4;
                buf.asFloatBuffer().get(out, at, n);
                return at + n;
            }
            case F16 -> {
                while (buf.hasRemaining()) out[at++] = DType.halfToFloat(buf.getShort());
                return at;
            }
            case BF16 -> {
                while (buf.hasRemaining()) out[at++] = DType.bfloat16ToFloat(buf.getShort());
                return at;
            }
            default -> throw new IllegalStateException(type.name());
        }
    }
}
