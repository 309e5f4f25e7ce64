package io.clipstream.bench;

import io.clipstream.cli.Main;
import io.clipstream.cli.PrometheusText;
import io.clipstream.model.ClipModel;
import io.clipstream.service.ClipstreamService;
import io.clipstream.service.ProcessEnvironment;
import io.clipstream.service.ServiceConfig;
import io.clipstream.service.ServiceHealth;
import io.clipstream.service.ServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The service {@code clipstream-bench e2e} measures: either in the bench's own JVM, or {@code clipstream run} in a child JVM
 * ({@code --service-process}), whose resident memory is then the service's alone, without the broker, the registry
 * and the bench's clients. Both report the figures the bench needs from the service's own meters.
 */
interface BenchService extends AutoCloseable {
    /**
     * The service's meters at one moment.
     *
     * @param labels       labels held, over all label sets (the {@code clipstream.labels} gauge)
     * @param batches      batches through the image tower so far
     * @param batchImages  images in those batches
     * @param towerSeconds seconds spent in the image tower so far
     */
    record Meters(double labels, double batches, double batchImages, double towerSeconds) {}

    /** The meters now (from a child process: one scrape of its {@code /metrics}). */
    Meters meters() throws Exception;

    /** Peak resident memory of the service's process so far, MB (VmHWM). */
    long peakRssMb();

    /** The process the service runs in. */
    long pid();

    /** True when the service runs in this JVM (stream threads can be sampled, CPU time read); a child process: false. */
    default boolean inThisJvm() {
        return false;
    }

    @Override
    void close() throws Exception;

    /** The service in this JVM, sharing the bench's model. */
    static BenchService inProcess(ServiceConfig config, ClipModel model) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ServiceHealth health = new ServiceHealth();
        health.modelLoaded();
        ClipstreamService service = ClipstreamService.start(config, model, meters, new ServiceMetrics(meters), health);
        return new BenchService() {
            @Override
            public Meters meters() {
                var batch = meters.get("clipstream.batch.size").summary();
                return new Meters(
                        meters.get("clipstream.labels").gauge().value(),
                        batch.count(),
                        batch.totalAmount(),
                        meters.get("clipstream.batch.inference").timer().totalTime(TimeUnit.SECONDS));
            }

            @Override
            public long peakRssMb() {
                return BenchCommand.peakRssMb();
            }

            @Override
            public long pid() {
                return ProcessHandle.current().pid();
            }

            @Override
            public boolean inThisJvm() {
                return true;
            }

            @Override
            public void close() {
                service.close();
            }
        };
    }

    /**
     * {@code clipstream run --config <file>} in a child JVM with {@code -Xmx2g} and whatever
     * {@code CLIPSTREAM_BENCH_SERVICE_JVM_OPTIONS} adds (later flags win) (BENCHMARKS.md's recommended
     * settings), this JVM's environment (OMP_NUM_THREADS …) plus the C library settings of the Docker images
     * ({@link ProcessEnvironment}) where it lacks them, and class path, its ops endpoints on a free port of
     * 127.0.0.1, its log in {@code dir/service.log}. Returns once it reports ready.
     */
    static BenchService childProcess(Map<String, String> settings, Path dir, Duration timeout) throws Exception {
        return ChildService.start(settings, dir, timeout);
    }

    /** The child-process service, read through its {@code /health/ready} and {@code /metrics} pages. */
    final class ChildService implements BenchService {
        private static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private final Process process;
        private final String url;
        private final Path log;
        private long peakRssMb = -1;

        private ChildService(Process process, String url, Path log) {
            this.process = process;
            this.url = url;
            this.log = log;
        }

        static ChildService start(Map<String, String> settings, Path dir, Duration timeout) throws Exception {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Map<String, String> all = new HashMap<>(settings);
            all.put("http.bind.address", "127.0.0.1");
            all.put("http.port", String.valueOf(port));
            Path config = dir.resolve("service.properties");
            Properties p = new Properties();
            p.putAll(all);
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, "bench e2e --service-process");
            }
            Path log = dir.resolve("service.log");
            Process process = childJvm(Main.class, "run", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ChildService child = new ChildService(process, "http://127.0.0.1:" + port, log);
            child.awaitReady(timeout);
            return child;
        }

        /**
         * A JVM as the service's own: {@code -Xmx2g}, then whatever
         * {@code CLIPSTREAM_BENCH_SERVICE_JVM_OPTIONS} adds; this JVM's environment plus the C library settings of the
         * Docker images ({@link ProcessEnvironment}) where it lacks them; this class path; running {@code main}.
         */
        static ProcessBuilder childJvm(Class<?> main, String... args) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
            String extra = System.getenv("CLIPSTREAM_BENCH_SERVICE_JVM_OPTIONS");
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.addAll(List.of("-cp", classPath(), main.getName()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            ProcessEnvironment.MALLOC.forEach(builder.environment()::putIfAbsent);
            return builder;
        }

        /** This JVM's class path; under Maven Surefire the real one rather than its manifest-only booter jar. */
        private static String classPath() {
            return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        }

        private void awaitReady(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the service process exited with " + process.exitValue() + "; its log: " + log);
                }
                try {
                    if (get("/health/ready").statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet: the model is still loading
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the service process was not ready within " + timeout.toSeconds() + " s; its log: " + log);
                }
                Thread.sleep(200);
            }
        }

        @Override
        public Meters meters() throws Exception {
            String page = metrics();
            return new Meters(
                    PrometheusText.sum(page, "clipstream_labels"),
                    PrometheusText.sum(page, "clipstream_batch_size_count"),
                    PrometheusText.sum(page, "clipstream_batch_size_sum"),
                    PrometheusText.sum(page, "clipstream_batch_inference_seconds_sum"));
        }

        @Override
        public long peakRssMb() {
            long now = readPeakRssMb();
            return now > 0 ? now : peakRssMb;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        /** SIGTERM (the service's shutdown hook closes the streams), SIGKILL after 60 s; the peak RSS is kept. */
        @Override
        public void close() throws Exception {
            peakRssMb = readPeakRssMb();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        private long readPeakRssMb() {
            return BenchCommand.peakRssMb(Path.of("/proc", String.valueOf(process.pid()), "status"));
        }

        private String metrics() throws Exception {
            HttpResponse<String> response = get("/metrics");
            if (response.statusCode() != 200) {
                throw new IOException(url + "/metrics answered " + response.statusCode());
            }
            return response.body();
        }

        private HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
