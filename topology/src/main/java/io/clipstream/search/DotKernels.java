package io.clipstream.search;

/**
 * Picks the dot-product kernel once per JVM: the Vector API one when the JVM resolved {@code jdk.incubator.vector}
 * ({@code java --add-modules jdk.incubator.vector …}, or {@code JDK_JAVA_OPTIONS}; {@code java -jar} cannot ask
 * for it from the manifest), else the plain loop. Both give the same integers.
 */
public final class DotKernels {
    private static final DotKernel BEST = choose();

    private DotKernels() {}

    public static DotKernel best() {
        return BEST;
    }

    /** The plain-Java kernel, whatever the JVM offers (tests compare the two). */
    public static DotKernel scalar() {
        return new ScalarDotKernel();
    }

    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static DotKernel choose() {
        if (!vectorApiPresent()) {
            return new ScalarDotKernel();
        }
        try {
            return (DotKernel) Class.forName("io.clipstream.search.VectorApiDotKernel")
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new ScalarDotKernel();
        }
    }
}
