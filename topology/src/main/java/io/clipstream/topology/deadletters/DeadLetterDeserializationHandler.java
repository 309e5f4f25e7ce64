package io.clipstream.topology.deadletters;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose bytes do not deserialize becomes an UNREADABLE_RECORD dead letter with the original bytes, and
 * processing goes on: bad input never stops a stream thread.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private DeadLetterWriter writer;

    @Override
    public void configure(Map<String, ?> configs) {
        writer = DeadLetterWriter.fromConfig(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn(
                "unreadable record {}-{}@{} goes to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                writer.topic(),
                exception.toString());
        return Response.resume(List.of(writer.record(
                context, record.key(), record.value(), ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, exception)));
    }
}
