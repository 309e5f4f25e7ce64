package io.clipstream.topology;

import io.clipstream.schemas.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** {@link PipelineMetrics} that remembers what it was told, for assertions. */
final class RecordingMetrics implements PipelineMetrics {
    final List<Duration> latencies = new ArrayList<>();
    final Map<ErrorCode, Integer> deadLetters = new EnumMap<>(ErrorCode.class);
    final List<Integer> batches = new ArrayList<>();

    @Override
    public synchronized void imageClassified(Instant eventTime, Instant now) {
        latencies.add(Duration.between(eventTime, now));
    }

    @Override
    public synchronized void deadLetter(ErrorCode code) {
        deadLetters.merge(code, 1, Integer::sum);
    }

    @Override
    public synchronized void batchEncoded(int size, Duration took) {
        batches.add(size);
    }
}
