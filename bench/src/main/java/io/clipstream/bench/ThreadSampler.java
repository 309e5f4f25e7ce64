package io.clipstream.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A poor man's profiler for the benchmark: every few milliseconds it takes the stack of some threads and counts,
 * per category, the samples whose innermost recognised frame belongs to it. It answers "what is the stream thread
 * doing: running the tower, waiting for preprocessing, polling, committing?" without an agent or a change to the
 * code under test. One stack per thread per tick costs tens of microseconds.
 */
final class ThreadSampler implements AutoCloseable {
    /** A category for frames whose class name contains {@code classPart} and whose method starts with {@code methodPrefix}. */
    record Rule(String category, String classPart, String methodPrefix) {
        boolean matches(StackTraceElement frame) {
            return frame.getClassName().contains(classPart)
                    && frame.getMethodName().startsWith(methodPrefix);
        }
    }

    static final String OTHER = "other";

    private final List<Thread> threads;
    private final List<Rule> rules;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> otherFrames = new java.util.HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ThreadSampler(List<Thread> threads, List<Rule> rules, long periodMillis) {
        this.threads = List.copyOf(threads);
        this.rules = List.copyOf(rules);
        for (Rule rule : rules) {
            counts.putIfAbsent(rule.category(), 0L);
        }
        counts.put(OTHER, 0L);
        this.sampler = new Thread(() -> loop(periodMillis), "bench-thread-sampler");
        sampler.setDaemon(true);
    }

    /** Starts sampling {@code threads} every {@code periodMillis}; rules are tried in order on each frame, innermost first. */
    static ThreadSampler start(List<Thread> threads, List<Rule> rules, long periodMillis) {
        ThreadSampler s = new ThreadSampler(threads, rules, periodMillis);
        s.sampler.start();
        return s;
    }

    private void loop(long periodMillis) {
        while (running) {
            for (Thread t : threads) {
                if (t.isAlive()) {
                    StackTraceElement[] stack = t.getStackTrace();
                    String category = categorise(stack);
                    synchronized (counts) {
                        counts.merge(category, 1L, Long::sum);
                        if (category.equals(OTHER) && stack.length > 0) {
                            otherFrames.merge(where(stack), 1L, Long::sum);
                        }
                    }
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The innermost frame and the innermost Kafka or clipstream frame under it: enough to name a new rule. */
    private static String where(StackTraceElement[] stack) {
        String inner = stack[0].getClassName() + "." + stack[0].getMethodName();
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("org.apache.kafka")
                    || frame.getClassName().startsWith("io.clipstream")) {
                return inner + " < " + frame.getClassName() + "." + frame.getMethodName();
            }
        }
        return inner;
    }

    String categorise(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            for (Rule rule : rules) {
                if (rule.matches(frame)) {
                    return rule.category();
                }
            }
        }
        return OTHER;
    }

    /** Share of samples per category (0..1, summing to 1), in rule order then {@value #OTHER}. */
    Map<String, Double> shares() {
        Map<String, Double> shares = new LinkedHashMap<>();
        synchronized (counts) {
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            counts.forEach((k, v) -> shares.put(k, total == 0 ? 0 : Math.round(1000.0 * v / total) / 1000.0));
        }
        return shares;
    }

    /** The innermost frames seen most often in {@value #OTHER} samples, with their counts: what a new rule could name. */
    List<String> topOther(int n) {
        synchronized (counts) {
            return otherFrames.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(n)
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .toList();
        }
    }

    long samples() {
        synchronized (counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(1000);
    }
}
