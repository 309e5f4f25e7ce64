package io.clipstream.topology;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The size rules that keep every record the service writes within what the cluster accepts. A record over a topic's
 * {@code max.message.bytes} or the producer's {@code max.request.size} would fail its transaction and, since the same
 * input comes back after the abort, stop the service on every restart: so sizes are checked before anything is
 * written, never left to the broker.
 *
 * <ul>
 *   <li>A value is written only if its serialized size plus {@link #HEADROOM} is within {@code maxRecordBytes}: the
 *       headroom covers the registry framing, the record and batch headers and lz4's worst-case growth (0.4 %).</li>
 *   <li>Keys are cut to {@link #MAX_KEY_BYTES}; an input with a longer key is {@code RECORD_TOO_LARGE}.</li>
 *   <li>Outputs carry the input's headers; an input whose headers take more than {@link #MAX_HEADER_BYTES} is
 *       {@code RECORD_TOO_LARGE}, and its dead letter carries none.</li>
 * </ul>
 */
public final class RecordLimits {
    /** Keys are ids and label names: 64 KiB is far beyond any real one and small beside any record limit. */
    public static final int MAX_KEY_BYTES = 64 * 1024;
    /** Trace context and correlation ids take a few hundred bytes; 64 KiB is far beyond any real use. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final int HEADROOM = 4 * 1024;
    /** One writer per record schema: every classification is measured, so the writer is not built per record. */
    private static final java.util.Map<org.apache.avro.Schema, SpecificDatumWriter<SpecificRecord>> WRITERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private RecordLimits() {}

    /** Whether {@code value}, written with a key of {@code keyBytes}, fits in a record of {@code maxRecordBytes}. */
    public static boolean fits(SpecificRecord value, int keyBytes, int maxRecordBytes) {
        return serializedSize(value) + keyBytes <= room(maxRecordBytes);
    }

    /** Bytes left for a serialized key and value in a record of {@code maxRecordBytes}. */
    public static int room(int maxRecordBytes) {
        return Math.max(0, maxRecordBytes - maxRecordBytes / 200 - HEADROOM);
    }

    /** Bytes of the Avro binary encoding of {@code value} (what follows the 5-byte registry header). */
    public static long serializedSize(SpecificRecord value) {
        Counting out = new Counting();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            WRITERS.computeIfAbsent(value.getSchema(), SpecificDatumWriter::new).write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.count;
    }

    /** Why an input cannot be answered whatever its content (its key or headers are too large), if it cannot. */
    public static java.util.Optional<String> oversizedEnvelope(InputRecord input) {
        if (input.key() != null && input.key().length > MAX_KEY_BYTES) {
            return java.util.Optional.of(
                    "record key of " + input.key().length + " bytes is longer than the limit of " + MAX_KEY_BYTES);
        }
        if (input.headerBytes() > MAX_HEADER_BYTES) {
            return java.util.Optional.of("record headers of " + input.headerBytes() + " bytes are more than the limit"
                    + " of " + MAX_HEADER_BYTES);
        }
        return java.util.Optional.empty();
    }

    /** The headers an output of {@code input} carries: the input's, unless they are over the limit. */
    public static org.apache.kafka.common.header.Headers headersOf(InputRecord input) {
        return input.headerBytes() > MAX_HEADER_BYTES
                ? new org.apache.kafka.common.header.internals.RecordHeaders()
                : new org.apache.kafka.common.header.internals.RecordHeaders(
                        input.headers().toArray());
    }

    /** The key as written to outputs: at most {@link #MAX_KEY_BYTES} of it. */
    public static byte[] cutKey(byte[] key) {
        return key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    }

    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
