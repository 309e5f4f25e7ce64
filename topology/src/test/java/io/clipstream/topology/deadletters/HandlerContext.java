package io.clipstream.topology.deadletters;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** A fixed {@link ErrorHandlerContext} for calling exception handlers directly. */
record HandlerContext(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
        implements ErrorHandlerContext {
    @Override
    public Headers headers() {
        return new RecordHeaders();
    }

    @Override
    public String processorNodeId() {
        return "image-batcher";
    }

    @Override
    public TaskId taskId() {
        return new TaskId(0, partition);
    }

    @Override
    public long timestamp() {
        return 99L;
    }
}
