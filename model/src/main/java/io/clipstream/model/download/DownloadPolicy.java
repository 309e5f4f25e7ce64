package io.clipstream.model.download;

import java.time.Duration;

/**
 * Timeouts and retry limits of a download. The defaults suit a user's machine: give up on connecting after 10 s
 * (fail fast when offline), treat 60 s without a byte as a dropped connection, resume up to 5 times with
 * doubling pauses from 1 s, and follow at most 5 redirects.
 */
public record DownloadPolicy(
        Duration connectTimeout,
        Duration headTimeout,
        Duration idleTimeout,
        int maxAttempts,
        Duration firstBackoff,
        int maxRedirects) {
    public static final DownloadPolicy DEFAULT = new DownloadPolicy(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60), 5, Duration.ofSeconds(1), 5);

    public DownloadPolicy {
        if (maxAttempts < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 and maxRedirects >= 0");
        }
    }

    /** The pause before attempt {@code attempt} (2, 3, ...): firstBackoff, then doubling, capped at 30 s. */
    Duration backoffBefore(int attempt) {
        long millis = firstBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 2));
        return Duration.ofMillis(Math.min(millis, 30_000));
    }
}
