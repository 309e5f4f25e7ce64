package io.clipstream.service;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.PipelineMetrics;
import io.clipstream.topology.labelsets.LabelSetProgress;
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
 *
 * <p>Latency, inference time and batch size are histograms with fixed buckets ({@link #LATENCY_BUCKETS},
 * {@link #INFERENCE_BUCKETS}, {@link #BATCH_SIZE_BUCKETS}): in Prometheus {@code clipstream_latency_seconds_bucket},
 * {@code clipstream_batch_inference_seconds_bucket} and {@code clipstream_batch_size_bucket} with {@code le} labels,
 * plus {@code _count}, {@code _sum} and {@code _max}, so quantiles can be computed over instances and time with
 * {@code histogram_quantile}.
 */
public final class ServiceMetrics implements PipelineMetrics {
    /** What the global label table holds right now. */
    public record LabelCounts(int labelSets, int labels) {
        public static final LabelCounts NONE = new LabelCounts(0, 0);
    }

    /** Event time to classification: 10 ms to 1 min (a queue that falls behind shows in the top buckets). */
    static final Duration[] LATENCY_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    /** Image-tower time per batch: 5 ms (one image on a GPU) to 30 s (a batch of 64 on a small CPU). */
    static final Duration[] INFERENCE_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    /** Images per batch: powers of two up to 64. */
    static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    private final Counter classified;
    private final Map<ErrorCode, Counter> deadLetters = new EnumMap<>(ErrorCode.class);
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer latency;
    private volatile Supplier<LabelCounts> labels = () -> LabelCounts.NONE;
    private final LabelSetProgress progress = new LabelSetProgress();

    public ServiceMetrics(MeterRegistry registry) {
        classified = Counter.builder("clipstream.images.classified")
                .description("Images that got a classification")
                .register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            deadLetters.put(
                    code,
                    Counter.builder("clipstream.dead.letters")
                            .tag("code", code.name())
                            .description("Inputs written to the dead-letter topic, by error code")
                            .register(registry));
        }
        batchSize = DistributionSummary.builder("clipstream.batch.size")
                .description("Images per image-tower batch")
                .serviceLevelObjectives(BATCH_SIZE_BUCKETS)
                .register(registry);
        inference = Timer.builder("clipstream.batch.inference")
                .description("Image-tower time per batch")
                .serviceLevelObjectives(INFERENCE_BUCKETS)
                .register(registry);
        latency = Timer.builder("clipstream.latency")
                .description("From the image's event time to its classification")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        Gauge.builder("clipstream.label.sets", this, m -> m.labels.get().labelSets())
                .description("Label sets in the global label table")
                .register(registry);
        Gauge.builder("clipstream.labels", this, m -> m.labels.get().labels())
                .description("Labels (label-embedding records) in the global label table")
                .register(registry);
        Gauge.builder(
                        "clipstream.label.sets.encoding",
                        progress,
                        p -> p.encoding().size())
                .description("Label sets being encoded by the text tower")
                .register(registry);
        Gauge.builder("clipstream.label.set.prompts.encoded", progress, LabelSetProgress::promptsEncoded)
                .description("Prompts of the label sets being encoded that are done (see ..._total)")
                .register(registry);
        Gauge.builder("clipstream.label.set.prompts", progress, LabelSetProgress::promptsTotal)
                .description("Prompts of the label sets being encoded, in all")
                .register(registry);
    }

    /** One image classified at {@code now}; its end-to-end latency is measured from {@code eventTime}. */
    @Override
    public void imageClassified(Instant eventTime, Instant now) {
        classified.increment();
        Duration lag = Duration.between(eventTime, now);
        if (!lag.isNegative()) { // a producer clock ahead of ours says nothing about our latency
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

    private static Duration[] seconds(double... bounds) {
        Duration[] out = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return out;
    }

    /** The label sets being encoded, as the encoder reports them; read by the gauges and by readiness. */
    @Override
    public LabelSetProgress labelSetProgress() {
        return progress;
    }

    /** Where the label gauges read from (the global store, once the streams run). */
    public void readLabelsFrom(Supplier<LabelCounts> source) {
        labels = source;
    }
}
