package io.clipstream.topology;

import io.clipstream.schemas.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether records are waiting out a schema-registry outage right now, as {@link RegistryOutageRetry} reports it: a
 * call that met a retriable registry error starts an outage, the same call succeeding (or giving up) ends its part
 * of it. The instance is unavailable while any call waits. One object is shared by every serde and handler of one
 * service instance and read by its readiness probe; thread-safe.
 */
public final class RegistryStatus {
    /** Streams (or serde) config key under which the serdes and exception handlers find the instance (an object). */
    public static final String CONFIG = "clipstream.registry.status";
    /** {@code scheme://user:password@}: user info that must not reach a probe answer. */
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]*@");

    private static final int MAX_ERROR_CHARS = 300;

    private final Clock clock;
    private int waiting;
    private Instant since;
    private String lastError;

    public RegistryStatus() {
        this(Clock.systemUTC());
    }

    RegistryStatus(Clock clock) {
        this.clock = clock;
    }

    /** The instance placed in a config map under {@link #CONFIG}, else a fresh one nobody reads. */
    public static RegistryStatus fromConfig(Map<String, ?> configs) {
        return configs != null && configs.get(CONFIG) instanceof RegistryStatus status ? status : new RegistryStatus();
    }

    /** A call met a retriable registry error and starts waiting; {@code error} is the registry client's message. */
    public synchronized void outageStarted(String error) {
        if (waiting++ == 0) {
            since = clock.instant();
        }
        lastError = error;
    }

    /** A waiting call failed again. */
    public synchronized void outageContinues(String error) {
        lastError = error;
    }

    /** A waiting call stopped waiting: the registry answered it, or it gave up (interrupted, non-retriable). */
    public synchronized void outageEnded() {
        if (waiting > 0 && --waiting == 0) {
            since = null;
            lastError = null;
        }
    }

    /** Empty when no call waits; else why this instance is not ready, naming the registry, without credentials. */
    public synchronized Optional<String> outage() {
        if (waiting == 0) {
            return Optional.empty();
        }
        long seconds = Duration.between(since, clock.instant()).toSeconds();
        return Optional.of("schema registry unavailable for " + seconds + " s, " + waiting + " call"
                + (waiting == 1 ? "" : "s") + " waiting for it (last error: " + redact(lastError) + ")");
    }

    /**
     * Strips URL user info, hides what else {@link Redaction} calls secret (token query parameters, quoted passwords)
     * and bounds the length: the message came from an HTTP client and may quote URLs.
     */
    static String redact(String error) {
        if (error == null) {
            return "none";
        }
        String clean = Redaction.text(USER_INFO.matcher(error).replaceAll("$1"));
        return clean.length() <= MAX_ERROR_CHARS ? clean : clean.substring(0, MAX_ERROR_CHARS) + "…";
    }
}
