package io.clipstream.topology;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the pipeline reports as it works: images classified (with their end-to-end latency), dead letters by code,
 * image-tower batches. The service implements it over Micrometer; {@link #NONE} ignores everything.
 */
public interface PipelineMetrics {
    /** Streams config key under which the exception handlers find the instance (an object, not a string). */
    String CONFIG = "clipstream.pipeline.metrics";

    PipelineMetrics NONE = new PipelineMetrics() {};

    /** One image classified at {@code now}; latency is measured from its {@code eventTime}. */
    default void imageClassified(Instant eventTime, Instant now) {}

    default void deadLetter(ErrorCode code) {}

    /** One batch of {@code size} images went through the image tower in {@code took}. */
    default void batchEncoded(int size, Duration took) {}

    /** Where the label-set encoder reports the sets it has under way (each call may give a new, unread one). */
    default LabelSetProgress labelSetProgress() {
        return new LabelSetProgress();
    }

    /** The instance placed in a streams config under {@link #CONFIG}, else {@link #NONE}. */
    static PipelineMetrics fromConfig(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof PipelineMetrics metrics ? metrics : NONE;
    }
}
