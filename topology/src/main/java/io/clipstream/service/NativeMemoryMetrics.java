package io.clipstream.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.bytedeco.javacpp.Pointer;

/**
 * The memory the JVM's own meters do not see: what is held off-heap through JavaCPP, JavaCPP's collection
 * threshold, and the process's resident set as the kernel counts it. ND4J's CPU array buffers are allocated by
 * libnd4j itself, not through JavaCPP, so they show only in the resident set (see the model's resident-memory limit).
 */
final class NativeMemoryMetrics implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("clipstream.native.javacpp.bytes", Pointer::totalBytes)
                .description("Off-heap bytes allocated through JavaCPP and not yet freed (not ND4J's CPU arrays)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("clipstream.native.javacpp.max.bytes", Pointer::maxBytes)
                .description("JavaCPP's off-heap limit; reaching it forces a garbage collection")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("clipstream.process.resident.bytes", Pointer::physicalBytes)
                .description("Resident set size of the process")
                .baseUnit("bytes")
                .register(registry);
    }
}
