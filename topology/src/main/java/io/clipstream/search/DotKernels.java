package io.clipstream.search;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The first pass's kernels, all giving the same integers. Searches use a plain-Java one: with C2, {@link
 * ScalarDotKernel} ({@link Long#bitCount}, one population-count instruction per 64 components and query bit plane):
 * 500,000 codes in 10–12 ms on one core of the bench host, where the Vector API kernel took 17–55 ms (Java 17's Vector
 * API has no lane-wise bit count, so it counts with shifts and masks; BENCHMARKS.md, "Search (issue 16)"). Without C2
 * ({@code -XX:TieredStopAtLevel=1}), {@link TableDotKernel}: 28–32 ms there, against 64–86 ms for
 * the bit counts. The Vector API kernel stays, tested against the same reference, for the benchmark to compare
 * ({@code bench search --kernel vector-api}); it needs {@code --add-modules jdk.incubator.vector} and C2: without C2
 * its calls are not turned into vector instructions and every vector is an object on the heap.
 */
public final class DotKernels {
    private static final DotKernel SCALAR = new ScalarDotKernel();
    private static final DotKernel TABLE = new TableDotKernel();
    private static final DotKernel BEST = optimisingCompiler() ? SCALAR : TABLE;

    private DotKernels() {}

    /** The kernel searches use: the bit counts with C2, the tables without. */
    public static DotKernel best() {
        return BEST;
    }

    /** The plain-Java kernel of bit counts. */
    public static DotKernel scalar() {
        return SCALAR;
    }

    /** The plain-Java kernel of lookup tables. */
    public static DotKernel table() {
        return TABLE;
    }

    /** The Vector API kernel, when this JVM resolved {@code jdk.incubator.vector} and compiles with C2. */
    public static Optional<DotKernel> vectorApi() {
        if (!vectorApiPresent() || !optimisingCompiler()) {
            return Optional.empty();
        }
        try {
            return Optional.of((DotKernel) Class.forName("io.clipstream.search.VectorApiDotKernel")
                    .getDeclaredConstructor()
                    .newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Whether HotSpot's optimising compiler (C2) runs, which the Vector API needs to be fast. */
    static boolean optimisingCompiler() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null) {
                return true;
            }
            boolean tiered =
                    Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAt >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot: assume an optimising compiler
        }
    }
}
