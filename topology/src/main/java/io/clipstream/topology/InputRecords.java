package io.clipstream.topology;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The {@link InputRecord} of the record a processor is processing: its raw bytes and where it was read. */
public final class InputRecords {
    private InputRecords() {}

    public static InputRecord of(ProcessorContext<?, ?> context, Record<byte[], byte[]> record) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        return new InputRecord(
                meta.map(RecordMetadata::topic).orElse(""),
                meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers());
    }
}
