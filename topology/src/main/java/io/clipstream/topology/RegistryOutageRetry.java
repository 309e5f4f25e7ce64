package io.clipstream.topology;

import io.clipstream.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out a schema-registry outage inside a serde: a retriable {@link SchemaRegistryException} (registry
 * unreachable or answering 5xx after its client's own retries) is tried again, with backoff, until the registry
 * answers. Without this the exception reached the dead-letter handlers, which wrote good records to the dead-letter
 * topic as INTERNAL_ERROR or, when the dead letter itself needed the registry, stopped the stream thread: an outage
 * is not bad input. Blocking the stream thread is safe under exactly-once: if the wait outlasts the transaction or
 * poll timeout, the task is fenced, its open transaction aborted and its records processed again after the commit
 * point. Non-retriable registry answers (unknown id, incompatible schema) pass through at once. While a call waits,
 * its {@link RegistryStatus} says so (the service's readiness probe answers 503 with the reason).
 */
public final class RegistryOutageRetry {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageRetry.class);
    private final Duration firstWait;
    private final Duration maxWait;
    private final RegistryStatus status;

    public RegistryOutageRetry(Duration firstWait, Duration maxWait) {
        this(firstWait, maxWait, new RegistryStatus());
    }

    public RegistryOutageRetry(Duration firstWait, Duration maxWait, RegistryStatus status) {
        this.firstWait = firstWait;
        this.maxWait = maxWait;
        this.status = status;
    }

    /** 1 s, doubling to 30 s between attempts; outages reported to a status nobody reads. */
    public static RegistryOutageRetry standard() {
        return standard(new RegistryStatus());
    }

    /** 1 s, doubling to 30 s between attempts; outages reported to {@code status}. */
    public static RegistryOutageRetry standard(RegistryStatus status) {
        return new RegistryOutageRetry(Duration.ofSeconds(1), Duration.ofSeconds(30), status);
    }

    /** {@link #standard(RegistryStatus)} with the status placed in a streams or serde config under {@link RegistryStatus#CONFIG}. */
    public static RegistryOutageRetry fromConfig(Map<String, ?> configs) {
        return standard(RegistryStatus.fromConfig(configs));
    }

    public RegistryStatus status() {
        return status;
    }

    /** {@code inner} with its serializer and deserializer retried through registry outages. */
    public <T> Serde<T> wrap(Serde<T> inner) {
        return Serdes.serdeFrom(serializer(inner.serializer()), deserializer(inner.deserializer()));
    }

    public <T> Serializer<T> serializer(Serializer<T> inner) {
        return (topic, data) -> call(() -> inner.serialize(topic, data), "writing to " + topic);
    }

    public <T> Deserializer<T> deserializer(Deserializer<T> inner) {
        return (topic, bytes) -> call(() -> inner.deserialize(topic, bytes), "reading from " + topic);
    }

    /** Runs {@code action}, retrying while it fails with a retriable registry error. */
    public <T> T call(Supplier<T> action, String what) {
        long wait = firstWait.toMillis();
        boolean waiting = false;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = action.get();
                    if (waiting) {
                        LOG.info("schema registry answered again while {} after {} attempts", what, attempt);
                    }
                    return result;
                } catch (SchemaRegistryException e) {
                    if (!e.isRetriable()) {
                        throw e;
                    }
                    if (waiting) {
                        status.outageContinues(e.getMessage());
                    } else {
                        status.outageStarted(e.getMessage());
                        waiting = true;
                    }
                    LOG.warn(
                            "schema registry unavailable while {} (attempt {}): {}; retrying in {} ms",
                            what,
                            attempt,
                            e.getMessage(),
                            wait);
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new InterruptException(interrupted);
                    }
                    wait = Math.min(maxWait.toMillis(), wait * 2);
                }
            }
        } finally {
            if (waiting) {
                status.outageEnded();
            }
        }
    }
}
