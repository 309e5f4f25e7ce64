package io.clipstream.bench;

import picocli.CommandLine.Option;

/**
 * The options of a benchmark that runs the service end to end on a broker ({@code e2e}, {@code compare}): its batch
 * settings, the label set, the warm-up and how long to wait for outputs.
 */
final class ServiceRunOptions {
    @Option(
            names = "--batch",
            defaultValue = "8",
            description =
                    "image.batch.size of the service; compare: the Python side's batch too (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--wait-ms",
            defaultValue = "50",
            description = "image.batch.max.wait.ms of the service; compare: the Python side's wait too "
                    + "(default ${DEFAULT-VALUE}).")
    int waitMs;

    @Option(
            names = "--warmup",
            defaultValue = "0",
            description = "Images sent and awaited before timing (compare: by each side); 0: two batches per stream "
                    + "thread for e2e, " + CompareBench.STEADY_WARMUP + " images for compare, which measures a "
                    + "running service, its JIT compilers past the hot code (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--labels",
            defaultValue = "100",
            description = "Labels in the label set (default ${DEFAULT-VALUE}).")
    int labels;

    @Option(
            names = "--timeout",
            defaultValue = "900",
            description = "Seconds to wait for a run's outputs (compare: a side's) (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;
}
