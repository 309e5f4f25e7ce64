package io.clipstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a valid registry-framed Avro record. Thrown by
 * {@link RegistryAvroDeserializer} for bad input only, never for a registry that is down, so the
 * topology can send exactly these to the dead-letter topic.
 */
public final class InvalidRecordException extends SerializationException {

    /** Why the bytes were refused. */
    public enum Reason {
        /** Shorter than the 5-byte header, or the Avro body ends before the record does. */
        TRUNCATED,
        /** The first byte is not the Confluent magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** The registry has no schema with the id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be read as the reader's (e.g. a field removed without default). */
        INCOMPATIBLE_SCHEMA,
        /** The body is not Avro of the writer's schema: bad lengths, indexes, trailing bytes. */
        MALFORMED
    }

    private final Reason reason;

    public InvalidRecordException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InvalidRecordException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
