package io.clipstream.topology.deadletters;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.RecordLimits;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Output that cannot be written because of the record itself becomes a dead letter with the source record's bytes
 * (cut to fit): RECORD_TOO_LARGE when it is over the producer's limit, INTERNAL_ERROR when it does not serialize.
 * The processors check sizes before they write (see {@link RecordLimits}), so this is the last line, not the plan.
 * Any other send failure (broker, authorization, fencing) affects every record and stops the thread, since
 * skipping it would lose output silently.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
    private DeadLetterWriter writer;

    @Override
    public void configure(Map<String, ?> configs) {
        writer = DeadLetterWriter.fromConfig(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            log.warn("output to {} too large; source goes to {}", record.topic(), writer.topic());
            return Response.resume(List.of(writer.record(
                    context,
                    context.sourceRawKey(),
                    context.sourceRawValue(),
                    ErrorCode.RECORD_TOO_LARGE,
                    Stage.UNKNOWN,
                    exception)));
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        log.error("output to {} does not serialize; source goes to {}", record.topic(), writer.topic(), exception);
        return Response.resume(List.of(writer.record(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                ErrorCode.INTERNAL_ERROR,
                Stage.UNKNOWN,
                exception)));
    }
}
