package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StallGuardTest {
    /** A body that never delivers a byte until it is closed. */
    static final class SilentBody extends InputStream {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void closesABodyThatStaysSilent() {
        SilentBody body = new SilentBody();
        try (StallGuard guard = new StallGuard(body, Duration.ofMillis(100))) {
            assertThat(body.read()).isEqualTo(-1); // returns only because the guard closed the body
            assertThat(guard.stalled()).isTrue();
        }
    }

    @Test
    void leavesABodyAloneAfterTheGuardIsClosed() throws Exception {
        SilentBody body = new SilentBody();
        new StallGuard(body, Duration.ofMillis(20)).close();
        Thread.sleep(200);

        assertThat(body.closed.getCount()).isEqualTo(1);
    }
}
