package io.clipstream.reliability;

import io.clipstream.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real service, {@code clipstream run --config <file>}, in a child JVM with its output in a log file: what an
 * operator runs, killed here with SIGKILL ({@link #kill()}) or stopped with SIGTERM ({@link #stop()}), and measured
 * from outside through {@code /proc/<pid>} and its {@code /metrics} page.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern HTTP_URL = Pattern.compile("health and metrics on (http://\\S+)");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Writes {@code settings} to {@code dir/<name>.properties} and starts the service on them. The child gets no
     * {@code CLIPSTREAM_*} variables from this JVM, a logback file that logs Kafka at {@code kafkaLogLevel}, and
     * one native thread for ND4J so several processes share the two cores; one stream thread unless the settings
     * say otherwise (with OMP_NUM_THREADS=1, {@code auto} would start one per core).
     */
    static ServiceProcess start(String name, Path dir, Map<String, String> settings, String kafkaLogLevel)
            throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve(name + ".properties");
        Properties p = new Properties();
        p.put("num.stream.threads", "1");
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "reliability suite: " + name);
        }
        Path logback = dir.resolve("logback-" + name + ".xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka" level="LEVEL"/>
                  <logger name="kafka" level="WARN"/>
                  <logger name="state.change.logger" level="WARN"/>
                  <logger name="org.nd4j" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """.replace("LEVEL", kafkaLogLevel));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + logback,
                "-cp",
                classpath,
                Main.class.getName(),
                "run",
                "--config",
                config.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CLIPSTREAM_"));
        builder.environment().put("OMP_NUM_THREADS", "1");
        return new ServiceProcess(name, builder.start(), out);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path logFile() {
        return log;
    }

    /** Waits until the log contains {@code text}; fails if the process exits first. */
    void awaitLog(String text) throws InterruptedException {
        Waits.until(
                () -> {
                    String now = log();
                    if (now.contains(text)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + " before logging '"
                                + text + "':\n" + tail(now));
                    }
                    return false;
                },
                name + " to log '" + text + "'");
    }

    /** Waits for Kafka Streams to reach RUNNING (the service logs each state change). */
    void awaitRunning() throws InterruptedException {
        awaitLog("-> RUNNING");
    }

    /** SIGKILL: no shutdown hook, no commit, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the service's shutdown hook finishes the batch in hand and closes; SIGKILL after 60 s. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ":\n" + tail(log()));
        }
        return process.exitValue();
    }

    /** The base URL of the health and metrics endpoints, read from the log. */
    String httpUrl() throws InterruptedException {
        awaitLog("health and metrics on");
        Matcher m = HTTP_URL.matcher(log());
        if (!m.find()) {
            throw new AssertionError("no URL in the log line");
        }
        return m.group(1);
    }

    /** One HTTP exchange with the ops endpoints: status code and body. */
    HttpResponse<String> http(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        method.equals("GET")
                                        || method.equals("HEAD")
                                        || method.equals("DELETE")
                                        || method.equals("OPTIONS")
                                        || method.equals("TRACE")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("x=1"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Resident memory, open files, threads (from /proc), JVM heap in use and the collections the
     * resident-memory limit asked for (from /metrics)
     * right now.
     */
    ResourceSample sample() throws IOException, InterruptedException {
        long rssKb = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKb = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        int fds;
        try (var files = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            fds = (int) files.count();
        }
        double heap = 0;
        double collections = 0;
        for (String line : http("GET", "/metrics").body().split("\n")) {
            double value = line.startsWith("#") || line.isBlank()
                    ? 0
                    : Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += value;
            } else if (line.startsWith("clipstream_memory_collections_total ")) {
                collections = value;
            }
        }
        return new ResourceSample(System.nanoTime(), rssKb * 1024, fds, threads, (long) heap, (long) collections);
    }

    /** What one look at the process found. */
    record ResourceSample(
            long nanos, long rssBytes, int openFiles, int threads, long heapUsedBytes, long memoryCollections) {}

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static String tail(String text) {
        return text.length() <= 6000 ? text : "…" + text.substring(text.length() - 6000);
    }
}
