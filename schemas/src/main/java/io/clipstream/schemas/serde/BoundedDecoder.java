package io.clipstream.schemas.serde;

import io.clipstream.schemas.serde.InvalidRecordException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoder over a byte array, refusing any length or item count larger than the bytes
 * left. Avro reads a length prefix and then allocates that much; from untrusted bytes a 5-byte prefix
 * could ask for gigabytes. Every string, bytes, array and map item takes at least one byte in our
 * schemas, so no valid record is refused (a schema with arrays of {@code null} would be, by design).
 */
final class BoundedDecoder extends Decoder {

    private final BinaryDecoder in;

    BoundedDecoder(byte[] bytes, int offset, int length) {
        this.in = DecoderFactory.get().binaryDecoder(bytes, offset, length, null);
    }

    /** Bytes not yet read. */
    int remaining() throws IOException {
        return in.inputStream().available();
    }

    private int checkLength(long length, String what) throws IOException {
        if (length < 0) {
            throw new InvalidRecordException(Reason.MALFORMED, "negative " + what + " length " + length);
        }
        int remaining = remaining();
        if (length > remaining) {
            throw new InvalidRecordException(
                    Reason.TRUNCATED, what + " of " + length + " bytes but only " + remaining + " left");
        }
        return (int) length;
    }

    private long checkCount(long count, String what) throws IOException {
        int remaining = remaining();
        if (count > remaining) {
            throw new InvalidRecordException(
                    Reason.MALFORMED, what + " of " + count + " items but only " + remaining + " bytes left");
        }
        return count;
    }

    private byte[] readLengthPrefixed(String what) throws IOException {
        byte[] bytes = new byte[checkLength(in.readLong(), what)];
        in.readFixed(bytes, 0, bytes.length);
        return bytes;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        return new Utf8(readLengthPrefixed("string"));
    }

    @Override
    public String readString() throws IOException {
        return new String(readLengthPrefixed("string"), StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkLength(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        return ByteBuffer.wrap(readLengthPrefixed("bytes"));
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkLength(in.readLong(), "bytes"));
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkCount(in.readArrayStart(), "array block");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkCount(in.arrayNext(), "array block");
    }

    @Override
    public long skipArray() throws IOException {
        return checkCount(in.skipArray(), "array block");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkCount(in.readMapStart(), "map block");
    }

    @Override
    public long mapNext() throws IOException {
        return checkCount(in.mapNext(), "map block");
    }

    @Override
    public long skipMap() throws IOException {
        return checkCount(in.skipMap(), "map block");
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
