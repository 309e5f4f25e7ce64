package io.clipstream.model.download;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has delivered no byte for too long. java.net.http has no read timeout for a
 * streamed body, so without this a connection that goes silent would block a download forever; closed, the
 * read ends and the download resumes on a fresh connection.
 */
final class StallGuard implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final long limitNanos;
    private volatile long lastByteNanos = System.nanoTime();
    private volatile boolean stalled;

    StallGuard(Closeable body, Duration limit) {
        this.limitNanos = limit.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clipstream-download-stall-guard");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, limit.toMillis() / 4);
        timer.scheduleAtFixedRate(
                () -> {
                    if (!stalled && System.nanoTime() - lastByteNanos > limitNanos) {
                        stalled = true;
                        try {
                            body.close();
                        } catch (IOException ignored) {
                            // The reader sees the end of the stream or an error either way.
                        }
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    /** Bytes arrived. */
    void touch() {
        lastByteNanos = System.nanoTime();
    }

    /** Whether the guard closed the body. */
    boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
