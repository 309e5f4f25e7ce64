package io.clipstream.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clipstream.topology.labelsets.LabelSetProgress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoints on the JDK's HTTP server: {@code /health/live}, {@code /health/ready} (200, or 503 with
 * a JSON reason) and {@code /metrics} (Prometheus text format), GET and HEAD only, nothing here changes state; and,
 * when given, the query API under {@code /v1/} ({@link QueryApi}, which guards itself). {@value #THREADS} threads
 * answer, so a classification in progress does not hold up the probes.
 */
public final class OpsHttpServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final int THREADS = 4;
    private final HttpServer server;
    private final ExecutorService executor;

    private OpsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static OpsHttpServer start(
            String bindAddress, int port, ServiceHealth health, PrometheusMeterRegistry metrics) throws IOException {
        return start(bindAddress, port, health, metrics, null);
    }

    /** With the query API under {@code /v1/} ({@code queries} null: none). */
    public static OpsHttpServer start(
            String bindAddress, int port, ServiceHealth health, PrometheusMeterRegistry metrics, QueryApi queries)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        server.createContext("/health/live", ex -> probe(ex, health::live));
        server.createContext("/health/ready", ex -> probe(ex, health::ready));
        server.createContext("/metrics", ex -> {
            if (allowed(ex, "/metrics")) {
                send(ex, 200, PROMETHEUS_TEXT, metrics.scrape());
            }
        });
        if (queries != null) {
            server.createContext("/v1/", queries);
        }
        server.createContext("/", ex -> {
            if (allowed(ex, ex.getRequestURI().getPath())) {
                send(
                        ex,
                        404,
                        "application/json",
                        "{\"error\":\"not found; try /health/live, /health/ready, /metrics\"}");
            }
        });
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new OpsHttpServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void probe(HttpExchange ex, Supplier<ServiceHealth.Status> check) throws IOException {
        if (!allowed(ex, ex.getHttpContext().getPath())) {
            return;
        }
        ServiceHealth.Status status = check.get();
        StringBuilder body = new StringBuilder(
                status.ok()
                        ? "{\"status\":\"UP\""
                        : "{\"status\":\"DOWN\",\"reason\":\"" + jsonEscape(status.reason()) + "\"");
        if (!status.encoding().isEmpty()) {
            body.append(",\"labelSetsEncoding\":[");
            for (int i = 0; i < status.encoding().size(); i++) {
                LabelSetProgress.Encoding e = status.encoding().get(i);
                body.append(i == 0 ? "" : ",")
                        .append("{\"id\":\"")
                        .append(jsonEscape(e.setId()))
                        .append("\",\"version\":")
                        .append(e.version())
                        .append(",\"promptsEncoded\":")
                        .append(e.encoded())
                        .append(",\"prompts\":")
                        .append(e.total())
                        .append('}');
            }
            body.append(']');
        }
        send(ex, status.ok() ? 200 : 503, "application/json", body.append('}').toString());
    }

    /** Only GET and HEAD of the exact path; anything else is answered here and false returned. */
    private static boolean allowed(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            send(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
            return false;
        }
        if (!ex.getRequestURI().getPath().equals(path)) {
            send(ex, 404, "application/json", "{\"error\":\"not found\"}");
            return false;
        }
        return true;
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
