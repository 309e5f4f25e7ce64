package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aMissingMetricIsZero() {
        assertThat(PrometheusText.sum(PAGE, "clipstream_nothing")).isZero();
    }
}
