package io.clipstream.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The operations side of one process: a Prometheus registry with the JVM's memory, thread, GC and CPU meters, the
 * service's own {@link ServiceMetrics}, its {@link ServiceHealth}, and the HTTP endpoints serving both. Started
 * before the model loads, so liveness answers during a long start.
 */
public final class Monitoring implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final ServiceMetrics metrics;
    private final ServiceHealth health;
    private final JvmGcMetrics gc;
    private final OpsHttpServer http;
    private final QueryApi queries;

    private Monitoring(
            PrometheusMeterRegistry registry,
            ServiceMetrics metrics,
            ServiceHealth health,
            JvmGcMetrics gc,
            OpsHttpServer http,
            QueryApi queries) {
        this.queries = queries;
        this.registry = registry;
        this.metrics = metrics;
        this.health = health;
        this.gc = gc;
        this.http = http;
    }

    public static Monitoring start(String bindAddress, int port) throws IOException {
        return start(bindAddress, port, "");
    }

    /**
     * With the query API under {@code /v1/}, guarded by {@code authToken} (empty: open); it answers 503 until
     * {@link #serveQueries} hands it the running service.
     */
    public static Monitoring start(String bindAddress, int port, String authToken) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new NativeMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        ServiceMetrics metrics = new ServiceMetrics(registry);
        ServiceHealth health = new ServiceHealth();
        health.watchEncoding(metrics.labelSetProgress());
        Gauge.builder("clipstream.ready", health, h -> h.ready().ok() ? 1 : 0)
                .description("1 when /health/ready answers 200 (model loaded, label table restored, streams RUNNING, "
                        + "registry reachable), else 0")
                .register(registry);
        QueryApi queries = new QueryApi(authToken);
        OpsHttpServer http = OpsHttpServer.start(bindAddress, port, health, registry, queries);
        return new Monitoring(registry, metrics, health, gc, http, queries);
    }

    /**
     * Publishes how many collections the model's resident-memory limit has asked for. Micrometer holds {@code owner}
     * weakly, so it must be an object the service keeps (the model), not a lambda made for the purpose.
     */
    public <T> void watchMemoryCollections(T owner, ToLongFunction<T> collections) {
        FunctionCounter.builder("clipstream.memory.collections", owner, o -> collections.applyAsLong(o))
                .description("Collections asked for because resident memory passed memory.max.resident.mb")
                .register(registry);
    }

    /** Publishes whether the model's text tower is in memory (1) or freed while unused (0). */
    public <T> void watchTextTower(T owner, Predicate<T> loaded) {
        Gauge.builder("clipstream.text.tower.loaded", owner, o -> loaded.test(o) ? 1 : 0)
                .description(
                        "1 while the text tower's weights are in memory; 0 once freed after model.text.idle.ms unused")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    public ServiceHealth health() {
        return health;
    }

    /** Answer {@code /v1/} from this running service. */
    public void serveQueries(ClipstreamService service) {
        queries.serve(service.queries(), service.search());
    }

    public OpsHttpServer http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
        gc.close();
        registry.close();
    }
}
