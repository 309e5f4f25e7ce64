package io.clipstream.topology.deadletters;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception a processor did not turn into a dead letter itself (a bug) becomes an INTERNAL_ERROR dead letter
 * with the source record's raw bytes, and processing goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private DeadLetterWriter writer;

    @Override
    public void configure(Map<String, ?> configs) {
        writer = DeadLetterWriter.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        log.error(
                "processing failed in {} for {}-{}@{}",
                context.processorNodeId(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception);
        return Response.resume(List.of(writer.record(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                ErrorCode.INTERNAL_ERROR,
                Stage.UNKNOWN,
                exception)));
    }
}
