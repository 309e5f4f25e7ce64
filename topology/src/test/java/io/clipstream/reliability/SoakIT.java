package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.TinyClip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak at a steady offered rate on the tiny model: {@code -Dsoak.minutes} (default 1) at {@code -Dsoak.rate}
 * images per second (default 20), one in twenty of them corrupt. Samples the child JVM's resident memory, open
 * files and threads from /proc and its heap from /metrics every {@code -Dsoak.sample.seconds} (default 10) and
 * asserts, with generous bounds, that none of them grows from the end of the warm-up (the first quarter) to the
 * end; every input still gets exactly one output. The samples go to the report.
 */
class SoakIT {
    private static final int MINUTES = Integer.getInteger("soak.minutes", 1);
    private static final int RATE = Integer.getInteger("soak.rate", 20);
    private static final int SAMPLE_SECONDS = Integer.getInteger("soak.sample.seconds", 10);

    @TempDir
    static Path dir;

    private static SuiteFixture suite;

    @BeforeAll
    static void start() throws Exception {
        suite = SuiteFixture.start(dir, "reliability-soak");
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void steadyLoadKeepsMemoryFilesAndThreadsFlat() throws Exception {
        try (Workload w = suite.workload("soak")) {
            ServiceProcess service = ServiceProcess.start("soak", dir, suite.settings(w, "a"), "WARN");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                List<String> corrupt = new ArrayList<>();
                byte[][] pool = new byte[50][];
                for (int i = 0; i < pool.length; i++) {
                    pool[i] = TinyClip.png(i, 96, 96);
                }
                List<ServiceProcess.ResourceSample> samples = new ArrayList<>();
                List<String> rows = new ArrayList<>(List.of(
                        "| t (s) | sent | answered | answered/s in window | RSS MB | heap used MB | memory collections "
                                + "| open files | threads |",
                        "|---|---|---|---|---|---|---|---|---|"));
                long start = System.nanoTime();
                long end = start + MINUTES * 60_000_000_000L;
                long nextSample = start;
                int sent = 0;
                int lastAnswered = 0;
                long lastSampleAt = start;
                while (System.nanoTime() < end) {
                    long second = System.nanoTime();
                    for (int i = 0; i < RATE; i++, sent++) {
                        String id = "soak-" + sent;
                        inputs.add(id);
                        byte[] image = pool[sent % pool.length];
                        if (sent % 20 == 19) {
                            corrupt.add(id);
                            image = Arrays.copyOf(image, image.length / 3);
                        }
                        w.sendImageAsync(id, w.eventBytes(Workload.inline(id, Workload.LABEL_SET, image)));
                    }
                    if (second >= nextSample) {
                        ServiceProcess.ResourceSample s = service.sample();
                        samples.add(s);
                        int answered = ledger.poll().outputs.size();
                        double window = (s.nanos() - lastSampleAt) / 1e9;
                        rows.add(String.format(
                                "| %.0f | %d | %d | %.1f | %.0f | %.0f | %d | %d | %d |",
                                (s.nanos() - start) / 1e9,
                                sent,
                                answered,
                                window > 0 ? (answered - lastAnswered) / window : 0,
                                s.rssBytes() / 1e6,
                                s.heapUsedBytes() / 1e6,
                                s.memoryCollections(),
                                s.openFiles(),
                                s.threads()));
                        lastAnswered = answered;
                        lastSampleAt = s.nanos();
                        nextSample += SAMPLE_SECONDS * 1_000_000_000L;
                    }
                    long sleep = 1_000 - (System.nanoTime() - second) / 1_000_000;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                    ledger.poll();
                }
                w.flush();
                ledger.awaitAll(inputs, "the soak's backlog to drain");
                ServiceProcess.ResourceSample last = service.sample();
                samples.add(last);
                rows.add(String.format(
                        "| %.0f (drained) | %d | %d | | %.0f | %.0f | %d | %d | %d |",
                        (last.nanos() - start) / 1e9,
                        sent,
                        ledger.outputs.size(),
                        last.rssBytes() / 1e6,
                        last.heapUsedBytes() / 1e6,
                        last.memoryCollections(),
                        last.openFiles(),
                        last.threads()));
                double seconds = (last.nanos() - start) / 1e9;
                ServiceProcess.ResourceSample base = samples.get(Math.max(1, samples.size() / 4));
                rows.add("");
                rows.add(String.format(
                        "%d min at %d images/s offered: %d images in %.0f s (%.1f answered/s "
                                + "overall). Baseline (end of warm-up) RSS %.0f MB, %d files, %d threads; "
                                + "end RSS %.0f MB, %d files, %d threads.",
                        MINUTES,
                        RATE,
                        sent,
                        seconds,
                        ledger.outputs.size() / seconds,
                        base.rssBytes() / 1e6,
                        base.openFiles(),
                        base.threads(),
                        last.rssBytes() / 1e6,
                        last.openFiles(),
                        last.threads()));
                ReliabilityReport.section("Soak: " + MINUTES + " min at " + RATE + " images/s", rows);
                ledger.report(
                        "load",
                        "soak " + MINUTES + " min at " + RATE + " images/s, 1 in 20 corrupt",
                        inputs,
                        "see the soak section for the samples");
                boolean alive = service.alive();
                service.stop();

                assertThat(alive).isTrue();
                FaultsIT.assertExactlyOnceAllClassifiedExcept(ledger, inputs, corrupt);
                assertThat(corrupt).allMatch(k -> ledger.code(k) == ErrorCode.CORRUPT_IMAGE);
                assertThat(last.rssBytes())
                        .as("resident memory at the end vs after warm-up")
                        .isLessThanOrEqualTo((long) (base.rssBytes() * 1.25) + (64L << 20));
                assertThat(last.openFiles()).as("open files").isLessThanOrEqualTo(base.openFiles() + 16);
                assertThat(last.threads()).as("threads").isLessThanOrEqualTo(base.threads() + 8);
            } finally {
                service.close();
            }
        }
    }
}
