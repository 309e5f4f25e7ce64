package io.clipstream.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.bytedeco.javacpp.Pointer;

/**
 * The memory the JVM's own meters do not see: what ND4J holds off-heap through JavaCPP (array buffers, freed when
 * their Java wrapper is closed or collected), JavaCPP's collection threshold, and the process's resident set as
 * the kernel counts it. A resident set that grows while these stay flat points at malloc or RocksDB, not at ND4J.
 */
final class NativeMemoryMetrics implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("clipstream.native.javacpp.bytes", Pointer::totalBytes)
                .description("Off-heap bytes allocated through JavaCPP (ND4J arrays) and not yet freed")
                .baseUnit("bytes").register(registry);
        Gauge.builder("clipstream.native.javacpp.max.bytes", Pointer::maxBytes)
                .description("JavaCPP's off-heap limit; reaching it forces a garbage collection")
                .baseUnit("bytes").register(registry);
        Gauge.builder("clipstream.process.resident.bytes", Pointer::physicalBytes)
                .description("Resident set size of the process")
                .baseUnit("bytes").register(registry);
    }
}
