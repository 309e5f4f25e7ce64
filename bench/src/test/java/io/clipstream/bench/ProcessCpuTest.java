package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void threadsAreToldApartByTheirKernelNames() {
        assertThat(ProcessCpu.roleOf("tower-clipstrea")).isEqualTo("tower");
        assertThat(ProcessCpu.roleOf("query-tower")).isEqualTo("tower");
        assertThat(ProcessCpu.roleOf("clipstream-prep")).isEqualTo("decode_preprocess");
        assertThat(ProcessCpu.roleOf("clipstream-fetc")).isEqualTo("fetch");
        assertThat(ProcessCpu.roleOf("clipstream-benc")).isEqualTo("stream_threads");
        assertThat(ProcessCpu.roleOf("kafka-producer-")).isEqualTo("kafka_network");
        assertThat(ProcessCpu.roleOf("C2 CompilerThre")).isEqualTo("jit");
        assertThat(ProcessCpu.roleOf("GC Thread#0")).isEqualTo("gc");
        assertThat(ProcessCpu.roleOf("java")).isEqualTo("other");
    }

    @Test
    void aBusyThreadOfThisProcessShowsUpInItsRole() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcessCpu.Snapshot before = ProcessCpu.snapshot(pid);
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        // A thread's ticks are read while it lives: it waits until the second snapshot is taken.
        Thread busy = new Thread(
                () -> {
                    long until = System.nanoTime() + 300_000_000L;
                    double x = 0;
                    while (System.nanoTime() < until) {
                        x += Math.sqrt(x + 1);
                    }
                    if (x < 0) {
                        System.out.println(x);
                    }
                    spun.countDown();
                    try {
                        measured.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "tower-test");
        busy.start();
        spun.await();
        Map<String, Double> split = ProcessCpu.split(before, ProcessCpu.snapshot(pid));
        measured.countDown();
        busy.join();
        assertThat(split.get("tower"))
                .as("0.3 s spinning, counted in 10 ms ticks")
                .isGreaterThan(0.05);
        assertThat(split).containsKeys("decode_preprocess", "stream_threads", "jit", "gc", "other");
    }
}
