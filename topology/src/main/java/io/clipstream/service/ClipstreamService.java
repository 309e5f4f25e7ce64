package io.clipstream.service;

import io.clipstream.model.ClipModel;
import io.clipstream.topology.ClipEncoders;
import io.clipstream.topology.ClipstreamTopology;
import io.clipstream.topology.PipelineMetrics;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.RegistryStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the clipstream topology against a cluster: topics created or checked, Kafka Streams
 * configured from a {@link ServiceConfig}, its metrics bound to Micrometer, its state watched by
 * {@link ServiceHealth}. {@link #close()} lets the batch in hand finish and commit within the shutdown timeout.
 */
public final class ClipstreamService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClipstreamService.class);
    private final ServiceConfig config;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final LabelTable labels;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ClipstreamService(ServiceConfig config, KafkaStreams streams, KafkaStreamsMetrics streamsMetrics) {
        this.config = config;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.labels = new LabelTable(streams);
    }

    /** Creates or checks the topics, then starts the streams; returns at once (see {@link ServiceHealth#ready()}). */
    public static ClipstreamService start(ServiceConfig config, ClipModel model, MeterRegistry registry,
                                          ServiceMetrics metrics, ServiceHealth health) throws Exception {
        try (Admin admin = Admin.create(config.adminConfig())) {
            Topics.ensure(admin, config.topology(), config.topics());
        }
        Properties properties = config.streamsProperties();
        properties.put(PipelineMetrics.CONFIG, metrics);   // the dead-letter exception handlers count through it
        properties.put(RegistryStatus.CONFIG, health.registry());   // registry waits make the instance not ready
        KafkaStreams streams = new KafkaStreams(topology(config, model, metrics, health.registry()), properties);
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        ClipstreamService service = new ClipstreamService(config, streams, binder);
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                service.stopped.countDown();
            }
        });
        // A failure that escapes the dead-letter handlers (broker unreachable past timeouts, a bug) stops this
        // instance; the orchestrator restarts it and its state restores from the changelogs.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; shutting this instance down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        health.watch(streams::state, service.labels::counts);
        metrics.readLabelsFrom(() -> service.labels.counts().orElse(ServiceMetrics.LabelCounts.NONE));
        streams.start();
        return service;
    }

    /**
     * The topology with registry serdes configured from every registry setting (URL, basic auth, TLS), reporting
     * registry outages to {@code registry}.
     */
    static Topology topology(ServiceConfig config, ClipModel model, PipelineMetrics metrics, RegistryStatus registry) {
        ClipEncoders encoders = new ClipEncoders(model);
        StreamsBuilder builder = new StreamsBuilder();
        ClipstreamTopology.build(builder, config.topology(), RecordSerdes.configured(config.serdeConfig(), registry),
                encoders, encoders, metrics);
        return builder.build();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public LabelTable labels() {
        return labels;
    }

    /** Waits until the streams stop by themselves (an unrecoverable error) or {@code timeout} passes. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the streams: the batch in hand is processed and committed, within {@code shutdown.timeout.ms}. */
    @Override
    public void close() {
        LOG.info("closing Kafka Streams (up to {} ms)", config.shutdownTimeout().toMillis());
        boolean clean = streams.close(config.shutdownTimeout());
        if (!clean) {
            LOG.warn("Kafka Streams did not close within {} ms", config.shutdownTimeout().toMillis());
        }
        streamsMetrics.close();
    }
}
