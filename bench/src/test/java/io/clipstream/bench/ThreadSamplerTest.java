package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadSamplerTest {
    private static final List<ThreadSampler.Rule> RULES = List.of(
            new ThreadSampler.Rule("tower", "ClipModel", "encodeImages"),
            new ThreadSampler.Rule("waiting", "ImageClassifier", "await"),
            new ThreadSampler.Rule("parked", "java.util.concurrent.CountDownLatch", "await"));

    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, null, -1);
    }

    @Test
    void theInnermostMatchingFrameDecides() throws Exception {
        try (ThreadSampler sampler = ThreadSampler.start(List.of(), RULES, 1000)) {
            StackTraceElement[] waitingInsideFlush = {
                frame("java.util.concurrent.FutureTask", "get"),
                frame("io.clipstream.topology.images.ImageClassifier", "await"),
                frame("io.clipstream.model.ClipModel", "encodeImagesNot"), // outer frames do not count
                frame("io.clipstream.topology.images.ImageClassifier", "flush")
            };
            assertThat(sampler.categorise(waitingInsideFlush)).isEqualTo("waiting");
            assertThat(sampler.categorise(new StackTraceElement[] {frame("x.Y", "z")}))
                    .isEqualTo(ThreadSampler.OTHER);
            assertThat(sampler.categorise(new StackTraceElement[0])).isEqualTo(ThreadSampler.OTHER);
        }
    }

    @Test
    void aThreadBlockedOnALatchIsCountedThere() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Thread blocked = new Thread(() -> {
            entered.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked.start();
        entered.await();
        try (ThreadSampler sampler = ThreadSampler.start(List.of(blocked), RULES, 1)) {
            while (sampler.shares().get("parked") == 0) {
                Thread.sleep(5);
            }
            assertThat(sampler.shares()).containsOnlyKeys("tower", "waiting", "parked", ThreadSampler.OTHER);
            assertThat(sampler.shares().get("tower")).isZero();
            assertThat(sampler.samples()).isPositive();
        } finally {
            never.countDown();
            blocked.join();
        }
    }
}
