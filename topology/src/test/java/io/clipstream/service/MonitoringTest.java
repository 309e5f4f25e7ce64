package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MonitoringTest {
    @Test
    void metricsShowTheMemoryCollectionsAndNativeMemoryAfterAGarbageCollection() throws Exception {
        AtomicLong collections = new AtomicLong(7);
        try (Monitoring monitoring = Monitoring.start("127.0.0.1", 0)) {
            monitoring.watchMemoryCollections(collections, AtomicLong::get);
            System.gc();
            collections.incrementAndGet();

            String scrape = monitoring.registry().scrape();
            assertThat(scrape)
                    .contains("clipstream_memory_collections_total 8.0")
                    .containsPattern("(?m)^clipstream_process_resident_bytes [1-9]")
                    .contains("clipstream_native_javacpp_bytes ");
        }
    }

    @Test
    void readinessIsAMetricThatFollowsTheProbe() throws Exception {
        try (Monitoring monitoring = Monitoring.start("127.0.0.1", 0)) {
            assertThat(monitoring.registry().scrape()).containsPattern("(?m)^clipstream_ready 0\\.0$");
            monitoring.health().modelLoaded();
            monitoring
                    .health()
                    .watch(
                            () -> org.apache.kafka.streams.KafkaStreams.State.RUNNING,
                            () -> java.util.Optional.of(ServiceMetrics.LabelCounts.NONE));
            assertThat(monitoring.registry().scrape()).containsPattern("(?m)^clipstream_ready 1\\.0$");
        }
    }
}
