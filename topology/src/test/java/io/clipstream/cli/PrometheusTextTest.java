package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.service.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String PAGE = """
            # HELP clipstream_batch_size Images per batch
            # TYPE clipstream_batch_size summary
            clipstream_batch_size_count{application="a",thread="1"} 12.0
            clipstream_batch_size_count{application="a",thread="2"} 3.0
            clipstream_batch_size_sum{application="a"} 96.0
            clipstream_batch_size_max 8.0
            clipstream_labels 100.0 1700000000000
            clipstream_labels_total_weird 7.0
            """;

    @Test
    void sumsEverySeriesOfTheMetricWhateverItsLabels() {
        assertThat(PrometheusText.sum(PAGE, "clipstream_batch_size_count")).isEqualTo(15.0);
        assertThat(PrometheusText.sum(PAGE, "clipstream_batch_size_sum")).isEqualTo(96.0);
    }

    @Test
    void readsAnUnlabelledSeriesWithATimestampAndIgnoresLongerNames() {
        assertThat(PrometheusText.sum(PAGE, "clipstream_labels")).isEqualTo(100.0);
    }

    @Test
    void readsWhatTheBenchesNeedFromTheServicesHistograms() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServiceMetrics metrics = new ServiceMetrics(registry);
        metrics.batchEncoded(8, Duration.ofMillis(700));
        metrics.batchEncoded(3, Duration.ofMillis(40));
        String page = registry.scrape();
        assertThat(page).contains("clipstream_batch_size_bucket{le="); // buckets must not count as _count or _sum
        assertThat(PrometheusText.sum(page, "clipstream_batch_size_count")).isEqualTo(2.0);
        assertThat(PrometheusText.sum(page, "clipstream_batch_size_sum")).isEqualTo(11.0);
        assertThat(PrometheusText.sum(page, "clipstream_batch_inference_seconds_sum"))
                .isCloseTo(0.74, within(1e-9));
    }

    @Test
    void aMissingMetricIsZero() {
        assertThat(PrometheusText.sum(PAGE, "clipstream_nothing")).isZero();
    }
}
