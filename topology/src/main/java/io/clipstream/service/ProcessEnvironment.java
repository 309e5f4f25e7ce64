package io.clipstream.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The C library settings the service's process should start with, because they cannot be set once it runs. The
 * Docker images set them (checked by a test), the benchmarks give them to the service processes they start, and
 * {@code clipstream run} names the ones missing at start.
 *
 * <ul>
 *   <li>{@code MALLOC_ARENA_MAX=2}: two glibc malloc arenas instead of one per thread, so that freed memory is not
 *       spread over dozens of arenas.
 *   <li>{@code MALLOC_MMAP_THRESHOLD_=131072}: every allocation of 128 KB or more is a mapping of its own, given back
 *       to the system when freed. Without it glibc raises the threshold after the first large frees, and later
 *       weights and activations land in the arenas, whose freed pages stay resident (docs/nd4j.md#memory).
 * </ul>
 */
public final class ProcessEnvironment {
    /** Name and value of each setting, in the order the Dockerfiles list them. */
    public static final Map<String, String> MALLOC;

    static {
        Map<String, String> malloc = new LinkedHashMap<>();
        malloc.put("MALLOC_ARENA_MAX", "2");
        malloc.put("MALLOC_MMAP_THRESHOLD_", "131072");
        MALLOC = Collections.unmodifiableMap(malloc);
    }

    private ProcessEnvironment() {}

    /** The settings {@code env} lacks, as {@code NAME=value}; empty when it has them all (with any value). */
    public static String missing(UnaryOperator<String> env) {
        StringBuilder missing = new StringBuilder();
        MALLOC.forEach((name, value) -> {
            if (env.apply(name) == null) {
                missing.append(missing.length() == 0 ? "" : " ")
                        .append(name)
                        .append('=')
                        .append(value);
            }
        });
        return missing.toString();
    }
}
