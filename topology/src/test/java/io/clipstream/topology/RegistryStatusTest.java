package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RegistryStatusTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final RegistryStatus status = new RegistryStatus(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });

    @Test
    void anOutageLastsUntilEveryWaitingCallHasEnded() {
        assertThat(status.outage()).isEmpty();
        status.outageStarted("Schema registry http://r:8081 unreachable: java.net.ConnectException");
        now.set(now.get().plusSeconds(12));
        status.outageStarted("Schema registry http://r:8081 unreachable: java.net.ConnectException");
        assertThat(status.outage())
                .hasValue("schema registry unavailable for 12 s, 2 calls waiting for it (last error: "
                        + "Schema registry http://r:8081 unreachable: java.net.ConnectException)");
        status.outageEnded();
        status.outageContinues("GET /schemas/ids/7: HTTP 503");
        assertThat(status.outage()).hasValueSatisfying(r -> assertThat(r).contains("1 call waiting", "HTTP 503"));
        status.outageEnded();
        assertThat(status.outage()).isEmpty();
        status.outageEnded(); // an unmatched end does not go negative
        status.outageStarted("again");
        assertThat(status.outage()).hasValueSatisfying(r -> assertThat(r).contains("for 0 s", "1 call"));
    }

    @Test
    void theReasonCarriesNoCredentialsAndStaysShort() {
        status.outageStarted("Schema registry https://svc-user:s3cret@registry.example:8081 unreachable; also "
                + "http://a:b@other/x");
        assertThat(status.outage().orElseThrow())
                .doesNotContain("s3cret", "svc-user", "a:b@")
                .contains("https://registry.example:8081", "http://other/x");
        status.outageContinues("GET https://registry.example:8081/subjects?access_token=t0ken-9 failed");
        assertThat(status.outage().orElseThrow())
                .contains("access_token=[hidden]")
                .doesNotContain("t0ken-9");
        status.outageContinues("x".repeat(5_000));
        assertThat(status.outage().orElseThrow()).hasSizeLessThan(500);
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        RegistryStatus shared = new RegistryStatus();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    shared.outageStarted("down " + i);
                    shared.outage();
                    shared.outageEnded();
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(shared.outage()).isEmpty();
    }
}
