package io.clipstream.schemas.serde;

import io.clipstream.schemas.serde.InvalidRecordException.Reason;
import java.nio.ByteBuffer;

/**
 * Confluent's schema-registry framing: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /** The schema id of framed bytes; TRUNCATED or WRONG_MAGIC_BYTE if they are not framed. */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            throw new InvalidRecordException(
                    Reason.TRUNCATED, framed.length + " bytes, shorter than the " + HEADER_SIZE + "-byte header");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new InvalidRecordException(
                    Reason.WRONG_MAGIC_BYTE, String.format("first byte is 0x%02x, expected 0x00", framed[0] & 0xff));
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
