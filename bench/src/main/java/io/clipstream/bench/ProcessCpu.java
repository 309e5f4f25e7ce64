package io.clipstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a process's CPU time goes, by the role of each thread, read from {@code /proc/PID/task/*\/stat} (Linux):
 * the service's stage split as the Python loop reports its own. Threads are told apart by their kernel name (the
 * first 15 characters of the Java name; OpenMP workers inherit their creator's): the image tower's thread and its
 * workers, decode + preprocess, URL fetches, the stream threads (deserialise, buffer, produce, commit: the other
 * threads named after the application id, which starts with "clipstream"), Kafka's network threads, the JIT
 * compilers, the garbage collector, the rest. A thread that ends between two snapshots is not counted: the
 * service's threads live for the run.
 */
final class ProcessCpu {
    /** A role and the kernel-name prefixes of its threads; the first that matches wins. */
    private record Role(String name, List<String> prefixes) {}

    private static final List<Role> ROLES = List.of(
            new Role("tower", List.of("tower-", "query-tower")),
            new Role("decode_preprocess", List.of("clipstream-prep")),
            new Role("fetch", List.of("clipstream-fetc")),
            new Role("kafka_network", List.of("kafka-")),
            new Role("jit", List.of("C1 CompilerThre", "C2 CompilerThre")),
            new Role("gc", List.of("GC Thread", "G1 ", "VM Thread")));
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** CPU ticks of each thread at one moment, by thread id. */
    record Snapshot(Map<String, String> names, Map<String, Long> ticks) {}

    private ProcessCpu() {}

    static Snapshot snapshot(long pid) {
        Map<String, String> names = new HashMap<>();
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    names.put(task.getFileName().toString(), stat.substring(open + 1, close));
                    // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name
                    ticks.put(task.getFileName().toString(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return new Snapshot(Map.of(), Map.of());
        }
        return new Snapshot(names, ticks);
    }

    /** CPU seconds per role between two snapshots. */
    static Map<String, Double> split(Snapshot before, Snapshot after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        ROLES.forEach(r -> seconds.put(r.name(), 0.0));
        seconds.put("stream_threads", 0.0);
        seconds.put("other", 0.0);
        after.ticks().forEach((tid, ticks) -> {
            long used = ticks - before.ticks().getOrDefault(tid, 0L);
            String name = after.names().get(tid);
            String role = roleOf(name);
            seconds.merge(role, (double) used / TICKS_PER_SECOND, Double::sum);
        });
        return seconds;
    }

    /** The role of a thread by its kernel name; the service's application ids start with "clipstream". */
    static String roleOf(String kernelName) {
        for (Role role : ROLES) {
            for (String prefix : role.prefixes()) {
                if (kernelName.startsWith(prefix)) {
                    return role.name();
                }
            }
        }
        return kernelName.startsWith("clipstream") ? "stream_threads" : "other";
    }
}
