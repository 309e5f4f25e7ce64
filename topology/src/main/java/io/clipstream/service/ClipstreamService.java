package io.clipstream.service;

import io.clipstream.model.ClipModel;
import io.clipstream.search.SearchScan;
import io.clipstream.search.SearchWindows;
import io.clipstream.topology.ClipEncoders;
import io.clipstream.topology.ClipstreamTopology;
import io.clipstream.topology.PipelineMetrics;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.RegistryStatus;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelCatalog;
import io.clipstream.topology.deadletters.DeadLetterWriter;
import io.clipstream.topology.images.ImageClassifier;
import io.clipstream.topology.labelsets.LabelSetEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
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
    private final QueryBackend queries;
    private final SearchScan scan;
    private final SearchBackend search;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ClipstreamService(
            ServiceConfig config,
            KafkaStreams streams,
            KafkaStreamsMetrics streamsMetrics,
            ClipModel model,
            LabelCatalog catalog,
            ServiceMetrics metrics,
            TopologySettings settings,
            SearchWindows windows,
            int imagePartitions) {
        this.config = config;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.labels = new LabelTable(streams);
        ClipEncoders encoders = new ClipEncoders(model);
        this.queries = new QueryBackend(encoders, catalog, labels, metrics.labelSetProgress(), settings);
        this.scan = settings.search().enabled() ? SearchScan.onAllCores() : null;
        Peers peers = config.applicationServer().isEmpty()
                ? Peers.NONE
                : new HttpPeers(
                        streams,
                        HostInfo.buildFromEndpoint(config.applicationServer()),
                        config.httpAuthToken(),
                        HttpPeers.TIMEOUT);
        this.search =
                scan == null ? null : new SearchBackend(queries, encoders, windows, scan, () -> imagePartitions, peers);
        if (scan != null) {
            LOG.info(
                    "search: images kept {} ms, at most {} a partition; scan kernel {} on {} threads",
                    settings.search().retention().toMillis(),
                    settings.search().maxImages(),
                    scan.kernel().name(),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /** Creates or checks the topics, then starts the streams; returns at once (see {@link ServiceHealth#ready()}). */
    public static ClipstreamService start(
            ServiceConfig config, ClipModel model, MeterRegistry registry, ServiceMetrics metrics, ServiceHealth health)
            throws Exception {
        Properties properties = config.streamsProperties();
        TopologySettings settings;
        int imagePartitions;
        try (Admin admin = Admin.create(config.adminConfig())) {
            List<String> created = Topics.ensure(admin, config.topology(), config.topics());
            requireAccess(admin, config.topology());
            settings = withRecordCapacity(admin, config, properties);
            imagePartitions = created.contains(settings.imagesTopic())
                    ? config.topics().partitions()
                    : partitions(admin, settings.imagesTopic());
        }
        int threads = config.streams().streamThreads();
        if (imagePartitions < threads) {
            LOG.warn(
                    "{} stream threads but topic {} has {} partitions: {} of them (and the cores their image towers "
                            + "would use) get no images; give the topic at least {} partitions (more for more "
                            + "instances) or set OMP_NUM_THREADS to the CPUs divided by {}",
                    threads,
                    settings.imagesTopic(),
                    imagePartitions,
                    threads - imagePartitions,
                    threads,
                    imagePartitions);
        }
        properties.put(PipelineMetrics.CONFIG, metrics); // the dead-letter exception handlers count through it
        properties.put(RegistryStatus.CONFIG, health.registry()); // registry waits make the instance not ready
        properties.put(DeadLetterWriter.MAX_RECORD_BYTES_CONFIG, String.valueOf(settings.maxRecordBytes()));
        LabelCatalog catalog = new LabelCatalog(); // the stream's view of the label table, shared with queries
        SearchWindows windows = new SearchWindows(); // the tasks' searchable windows, shared with searches
        KafkaStreams streams = new KafkaStreams(
                topology(config, settings, model, metrics, health.registry(), catalog, windows), properties);
        windows.readStoreWith(new WindowStoreReader(streams)); // searches rank their last candidates from the store
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        ClipstreamService service = new ClipstreamService(
                config, streams, binder, model, catalog, metrics, settings, windows, imagePartitions);
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
    static Topology topology(
            ServiceConfig config,
            TopologySettings settings,
            ClipModel model,
            PipelineMetrics metrics,
            RegistryStatus registry,
            LabelCatalog catalog,
            SearchWindows windows) {
        ClipEncoders encoders = new ClipEncoders(model);
        StreamsBuilder builder = new StreamsBuilder();
        ClipstreamTopology.build(
                builder,
                settings,
                RecordSerdes.configured(config.serdeConfig(), registry),
                encoders,
                encoders,
                metrics,
                catalog,
                windows);
        return builder.build();
    }

    /** The topics the service writes: the outputs, the dead letters, and the flagged topic when set. */
    static List<String> outputs(TopologySettings t) {
        List<String> outputs = new java.util.ArrayList<>(List.of(
                t.labelEmbeddingsTopic(), t.classificationsTopic(), t.imageEmbeddingsTopic(), t.deadLetterTopic()));
        if (t.flaggedTopicEnabled()) {
            outputs.add(t.flaggedTopic());
        }
        return outputs;
    }

    /**
     * How many partitions {@code topic} has: what a search must cover to be whole. A topic another instance created a
     * moment ago may not be in the broker's metadata yet: asked again for up to 30 s.
     */
    private static int partitions(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .size();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Stops the start, naming every grant missing, when the service may not read an input or write an output. */
    private static void requireAccess(Admin admin, TopologySettings t) throws Exception {
        List<String> missing = TopicAccess.missing(
                admin, List.of(t.labelSetsTopic(), t.imagesTopic(), t.labelEmbeddingsTopic()), outputs(t));
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the broker's ACLs do not allow " + String.join(", ", missing)
                    + " to the principal clipstream connects as; grant them (kafka-acls --add --allow-principal …)");
        }
    }

    /**
     * The topology settings with the record limit read from the cluster ({@link RecordCapacity}), logged with where
     * it comes from; a warning when inline images can never reach {@code image.max.bytes}.
     */
    private static TopologySettings withRecordCapacity(Admin admin, ServiceConfig config, Properties properties)
            throws Exception {
        TopologySettings t = config.topology();
        String appId = config.streams().applicationId();
        List<String> changelogs = Stream.of(
                        LabelSetEncoder.PROMPT_STORE,
                        LabelSetEncoder.MEMBERS_STORE,
                        LabelSetEncoder.PENDING_STORE,
                        ImageClassifier.BUFFER_STORE)
                .map(s -> appId + "-" + s + "-changelog")
                .toList();
        Object maxRequest = properties.getOrDefault(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                properties.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576));
        List<RecordCapacity.Limit> limits =
                RecordCapacity.limits(admin, outputs(t), changelogs, Integer.parseInt(maxRequest.toString()));
        int capacity = RecordCapacity.capacity(limits);
        LOG.info(
                "records written are kept within {} bytes, the smallest of: {}",
                capacity,
                limits.stream().map(l -> l.source() + " " + l.bytes()).collect(Collectors.joining(", ")));
        RecordCapacity.topicLimit(admin, t.imagesTopic())
                .filter(limit -> limit < t.maxImageBytes())
                .ifPresent(limit -> LOG.warn(
                        "topic {} accepts records up to {} bytes: inline images are limited by that, and "
                                + "image.max.bytes ({}) applies only to fetched images",
                        t.imagesTopic(),
                        limit,
                        t.maxImageBytes()));
        return t.withMaxRecordBytes(capacity);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public LabelTable labels() {
        return labels;
    }

    /** Classification on request and the label sets, for the query API. */
    public QueryBackend queries() {
        return queries;
    }

    /** Searches over the searchable windows, for the query API (null when search.enabled is false). */
    public SearchBackend search() {
        return search;
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
            LOG.warn(
                    "Kafka Streams did not close within {} ms",
                    config.shutdownTimeout().toMillis());
        }
        streamsMetrics.close();
        queries.close();
        if (scan != null) {
            scan.close();
        }
    }
}
