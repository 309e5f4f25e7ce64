package io.clipstream.model.runtime;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the C allocator's free pages back to the system: glibc keeps memory that ND4J frees for reuse, so resident
 * memory would otherwise stay at its high-water mark. Uses the JVM's own {@code System.trim_native_heap}
 * diagnostic command (OpenJDK 17.0.9 and later; {@code malloc_trim} on glibc), through its management bean, so no
 * native code of ours is needed. Where the command does not exist this does nothing (said once in the log).
 */
public final class NativeHeapTrim {
    private static final Logger LOG = LoggerFactory.getLogger(NativeHeapTrim.class);
    private static volatile boolean unavailable;

    private NativeHeapTrim() {}

    /** False once this JVM has been found unable to trim. */
    public static boolean available() {
        return !unavailable;
    }

    public static void run() {
        if (unavailable) {
            return;
        }
        try {
            Object result = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "systemTrimNativeHeap",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
            LOG.debug("{}", result);
        } catch (JMException | RuntimeException e) {
            unavailable = true;
            LOG.info(
                    "this JVM cannot trim the native heap ({}): resident memory stays at its high-water mark after "
                            + "a collection",
                    e.toString());
        }
    }
}
