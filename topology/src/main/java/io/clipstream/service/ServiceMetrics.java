package io.clipstream.service;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The service's own meters, over any Micrometer registry: images classified, dead letters by code, batch size,
 * image-tower time per batch, end-to-end latency from the image's event time, and the label sets and labels held.
 * The topology's processors report through the methods below; the label gauges read a supplier on each scrape.
 */
public final class ServiceMetrics implements PipelineMetrics {
    /** What the global label table holds right now. */
    public record LabelCounts(int labelSets, int labels) {
        public static final LabelCounts NONE = new LabelCounts(0, 0);
    }

    private final Counter classified;
    private final Map<ErrorCode, Counter> deadLetters = new EnumMap<>(ErrorCode.class);
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer latency;
    private volatile Supplier<LabelCounts> labels = () -> LabelCounts.NONE;

    public ServiceMetrics(MeterRegistry registry) {
        classified = Counter.builder("clipstream.images.classified")
                .description("Images that got a classification").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            deadLetters.put(code, Counter.builder("clipstream.dead.letters").tag("code", code.name())
                    .description("Inputs written to the dead-letter topic, by error code").register(registry));
        }
        batchSize = DistributionSummary.builder("clipstream.batch.size")
                .description("Images per image-tower batch").register(registry);
        inference = Timer.builder("clipstream.batch.inference")
                .description("Image-tower time per batch").register(registry);
        latency = Timer.builder("clipstream.latency")
                .description("From the image's event time to its classification").register(registry);
        Gauge.builder("clipstream.label.sets", this, m -> m.labels.get().labelSets())
                .description("Label sets in the global label table").register(registry);
        Gauge.builder("clipstream.labels", this, m -> m.labels.get().labels())
                .description("Labels (label-embedding records) in the global label table").register(registry);
    }

    /** One image classified at {@code now}; its end-to-end latency is measured from {@code eventTime}. */
    @Override
    public void imageClassified(Instant eventTime, Instant now) {
        classified.increment();
        Duration lag = Duration.between(eventTime, now);
        if (!lag.isNegative()) {            // a producer clock ahead of ours says nothing about our latency
            latency.record(lag);
        }
    }

    @Override
    public void deadLetter(ErrorCode code) {
        deadLetters.get(code).increment();
    }

    /** One batch of {@code size} images went through the image tower in {@code took}. */
    @Override
    public void batchEncoded(int size, Duration took) {
        batchSize.record(size);
        inference.record(took);
    }

    /** Where the label gauges read from (the global store, once the streams run). */
    public void readLabelsFrom(Supplier<LabelCounts> source) {
        labels = source;
    }
}
