package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThroughputTest {
    @Test
    void theMedianLiesBetweenTheSlowestAndFastestRun() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Throughput.Rate rate = new Throughput(0.02, 5).measure("test", () -> {
            calls.incrementAndGet();
            Thread.sleep(1);
            return 3;
        });
        assertThat(calls.get()).isGreaterThan(5); // warm-up plus at least one call per run
        assertThat(rate.min()).isPositive().isLessThanOrEqualTo(rate.median());
        assertThat(rate.max()).isGreaterThanOrEqualTo(rate.median());
    }

    @Test
    void aFailureInTheWorkIsNotSwallowed() {
        assertThatThrownBy(() -> new Throughput(0.01, 1).measure("test", () -> {
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
    }

    @Test
    void nonPositiveSettingsAreRefused() {
        assertThatThrownBy(() -> new Throughput(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Throughput(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
