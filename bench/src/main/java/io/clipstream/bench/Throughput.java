package io.clipstream.bench;

import java.util.Arrays;

/**
 * Times a piece of work the way every {@code bench} figure is taken: a warm-up, then {@code runs} runs of at
 * least {@code seconds} each; the result is the median rate and the spread (slowest, fastest run). Medians of
 * several runs, because other processes share the cores and a single run can be off by a factor of two.
 */
final class Throughput {
    /** One call of the measured work; returns how many items (images, prompts) it handled. */
    interface Work {
        int run() throws Exception;
    }

    /** Items per second: the median run and the slowest and fastest. */
    record Rate(double median, double min, double max) {}

    private final double seconds;
    private final int runs;

    Throughput(double seconds, int runs) {
        if (seconds <= 0 || runs <= 0) {
            throw new IllegalArgumentException("seconds and runs must be positive");
        }
        this.seconds = seconds;
        this.runs = runs;
    }

    Rate measure(String what, Work work) throws Exception {
        long warmUntil = System.nanoTime() + (long) (Math.min(seconds, 5) * 1e9);
        do {
            work.run();
        } while (System.nanoTime() < warmUntil);
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long items = 0;
            long now;
            do {
                items += work.run();
                now = System.nanoTime();
            } while (now < end);
            rates[r] = items / ((now - start) / 1e9);
            System.err.printf("%s run %d: %.2f/s%n", what, r + 1, rates[r]);
        }
        Arrays.sort(rates);
        return new Rate(rates[runs / 2], rates[0], rates[runs - 1]);
    }
}
