package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServiceMetrics metrics = new ServiceMetrics(registry);

    @Test
    void countsImagesAndMeasuresLatencyFromEventTime() {
        Instant now = Instant.parse("2026-01-01T00:00:10Z");
        metrics.imageClassified(now.minusMillis(1500), now);
        metrics.imageClassified(now.minusMillis(500), now);
        metrics.imageClassified(now.plusSeconds(3), now); // producer clock ahead: counted, no latency
        assertThat(registry.get("clipstream.images.classified").counter().count())
                .isEqualTo(3);
        assertThat(registry.get("clipstream.latency").timer().count()).isEqualTo(2);
        assertThat(registry.get("clipstream.latency").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(2000);
        assertThat(registry.get("clipstream.latency").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(1500);
    }

    @Test
    void deadLettersAreCountedPerCodeAndEveryCodeStartsAtZero() {
        metrics.deadLetter(ErrorCode.CORRUPT_IMAGE);
        metrics.deadLetter(ErrorCode.CORRUPT_IMAGE);
        metrics.deadLetter(ErrorCode.FETCH_REFUSED);
        assertThat(registry.get("clipstream.dead.letters")
                        .tag("code", "CORRUPT_IMAGE")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("clipstream.dead.letters")
                        .tag("code", "FETCH_REFUSED")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("clipstream.dead.letters").counters()).hasSize(ErrorCode.values().length);
    }

    @Test
    void batchesRecordSizeAndInferenceTime() {
        metrics.batchEncoded(8, Duration.ofMillis(900));
        metrics.batchEncoded(2, Duration.ofMillis(300));
        assertThat(registry.get("clipstream.batch.size").summary().totalAmount())
                .isEqualTo(10);
        assertThat(registry.get("clipstream.batch.size").summary().max()).isEqualTo(8);
        assertThat(registry.get("clipstream.batch.inference").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(1200);
    }

    @Test
    void latencyInferenceAndBatchSizeCountIntoTheirBuckets() {
        Instant now = Instant.parse("2026-01-01T00:00:10Z");
        metrics.imageClassified(now.minusMillis(40), now);
        metrics.imageClassified(now.minusSeconds(45), now);
        metrics.batchEncoded(1, Duration.ofMillis(3));
        metrics.batchEncoded(64, Duration.ofSeconds(20));
        assertThat(buckets(
                        registry.get("clipstream.latency")
                                .timer()
                                .takeSnapshot()
                                .histogramCounts(),
                        true))
                .containsEntry(0.01, 0.0)
                .containsEntry(0.05, 1.0)
                .containsEntry(30.0, 1.0)
                .containsEntry(60.0, 2.0)
                .hasSize(ServiceMetrics.LATENCY_BUCKETS.length);
        assertThat(buckets(
                        registry.get("clipstream.batch.inference")
                                .timer()
                                .takeSnapshot()
                                .histogramCounts(),
                        true))
                .containsEntry(0.005, 1.0)
                .containsEntry(10.0, 1.0)
                .containsEntry(30.0, 2.0)
                .hasSize(ServiceMetrics.INFERENCE_BUCKETS.length);
        assertThat(buckets(
                        registry.get("clipstream.batch.size")
                                .summary()
                                .takeSnapshot()
                                .histogramCounts(),
                        false))
                .containsEntry(1.0, 1.0)
                .containsEntry(32.0, 1.0)
                .containsEntry(64.0, 2.0)
                .containsOnlyKeys(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0);
        assertThat(ServiceMetrics.LATENCY_BUCKETS[0]).isEqualTo(Duration.ofMillis(10));
        assertThat(ServiceMetrics.LATENCY_BUCKETS[ServiceMetrics.LATENCY_BUCKETS.length - 1])
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(ServiceMetrics.INFERENCE_BUCKETS[0]).isEqualTo(Duration.ofMillis(5));
        assertThat(ServiceMetrics.INFERENCE_BUCKETS[ServiceMetrics.INFERENCE_BUCKETS.length - 1])
                .isEqualTo(Duration.ofSeconds(30));
    }

    /** Upper bound (in seconds for a timer's buckets) to cumulative count. */
    private static java.util.Map<Double, Double> buckets(CountAtBucket[] counts, boolean timer) {
        java.util.Map<Double, Double> out = new java.util.TreeMap<>();
        for (CountAtBucket c : counts) {
            out.put(timer ? c.bucket(TimeUnit.SECONDS) : c.bucket(), c.count());
        }
        return out;
    }

    @Test
    void labelGaugesReadTheirSourceOnEachScrape() {
        assertThat(registry.get("clipstream.labels").gauge().value()).isZero();
        LabelCounts[] now = {new LabelCounts(2, 7)};
        metrics.readLabelsFrom(() -> now[0]);
        assertThat(registry.get("clipstream.label.sets").gauge().value()).isEqualTo(2);
        assertThat(registry.get("clipstream.labels").gauge().value()).isEqualTo(7);
        now[0] = new LabelCounts(3, 10);
        assertThat(registry.get("clipstream.labels").gauge().value()).isEqualTo(10);
    }
}
