package io.clipstream.bench;

import io.clipstream.cli.JsonLines;
import io.clipstream.cli.ToolConsole;
import io.clipstream.model.ClipModel;
import io.clipstream.model.TinyModel;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.LabelSets;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.EmbeddedBroker;
import io.clipstream.service.LocalCluster;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clipstream-bench e2e}: the whole path on one machine. An in-process KRaft broker and schema registry on 127.0.0.1,
 * the real service (Kafka Streams, registry Avro serdes, exactly-once) with the full-size random-weight model (or
 * {@code --model}), a label set, then 640×480 JPEGs of about 100 KB, serialized before timing:
 * <ol>
 *   <li>flood: {@code --images} sent as fast as the producer goes; sustained images/s and latency;</li>
 *   <li>the image tower alone at the same batch and threads, in the same process right before and right after the
 *   flood (the service idle), for the ratio e2e / tower;</li>
 *   <li>fixed rate: half the flood's rate (or {@code --rate}) for {@code --seconds}; latency p50/p99.</li>
 * </ol>
 * Latency runs from the event time (stamped when the record is sent) to the moment a {@code read_committed} consumer
 * sees the classification. During the flood a sampler records what the stream threads spend their time on. The
 * last line is one JSON object; the figures and how to reproduce them are in BENCHMARKS.md. With
 * {@code --service-process} the service runs as {@code clipstream run} in a child JVM instead (see
 * {@link BenchService}), so that its peak resident memory is measured alone.
 */
@Command(
        name = "e2e",
        mixinStandardHelpOptions = true,
        description =
                "End to end through a real in-process broker and the service: images/s, latency, the tower ratio; "
                        + "last line is JSON.")
final class E2eBench implements Callable<Integer> {
    static final String LABEL_SET = "bench";
    /** The label set {@code --new-label-set} publishes during a flood. */
    static final String NEW_LABEL_SET = "bench-new";

    static final int DISTINCT_IMAGES = 32;

    @Mixin
    ModelOption modelOption;

    @Mixin
    ServiceRunOptions runOptions;

    @Option(
            names = "--images",
            defaultValue = "200",
            description = "Images of the flood run (default ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--rate",
            defaultValue = "0",
            paramLabel = "R",
            description =
                    "Offered images/s of the fixed-rate run; 0: half the flood's rate (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--new-label-set",
            defaultValue = "0",
            paramLabel = "LABELS",
            description = "After the fixed-rate run, publish a new label set of LABELS labels (no prompt of it cached) "
                    + "and flood --images images at once: a label set encoding during a flood, both towers at "
                    + "work; 0: skip (default ${DEFAULT-VALUE}).")
    int newLabelSet;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "num.stream.threads; 0: the service's auto, CPUs / OMP_NUM_THREADS (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            description = "Length of the fixed-rate run and of each tower measurement (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--overlap",
            defaultValue = "true",
            arity = "1",
            description =
                    "image.batch.overlap: the tower on a worker while the next batch is read (default ${DEFAULT-VALUE}).")
    boolean overlap;

    @Option(
            names = "--preprocess-threads",
            defaultValue = "0",
            description = "preprocess.threads per task; 0: one per core (default ${DEFAULT-VALUE}).")
    int preprocessThreads;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Partitions of the topics; 0: one per stream thread (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--guarantee",
            defaultValue = "exactly_once_v2",
            description = "processing.guarantee: exactly_once_v2 or at_least_once (default ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(
            names = "--service-process",
            description = "Run the service as `clipstream run` in a child JVM (-Xmx2g, "
                    + "then $CLIPSTREAM_BENCH_SERVICE_JVM_OPTIONS), "
                    + "on a model folder (--model, or the full-size random model written to disk first), so that peak_rss_mb is "
                    + "the service's alone, without the broker, the registry and the bench's clients.")
    boolean serviceProcess;

    private final PrintStream err = System.err;

    /** What one run of images gave: counts, rate, latency, and the service's own batch figures. */
    record Run(
            int sent,
            int classified,
            int deadLetters,
            double imagesPerS,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double meanBatch,
            double towerBusy,
            double towerInside,
            Map<String, Double> cpuSeconds,
            double wallSeconds) {
        boolean complete() {
            return classified == sent;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", sent);
            m.put("images_per_s", round(imagesPerS));
            m.put("p50_ms", round(p50Ms));
            m.put("p99_ms", round(p99Ms));
            m.put("max_ms", round(maxMs));
            m.put("mean_batch", round(meanBatch));
            m.put("tower_busy", round(towerBusy));
            m.put("tower_images_per_s_inside", round(towerInside));
            // The service process's CPU by thread role, per image, and in cores over the run (ProcessCpu).
            Map<String, Object> cpu = new LinkedHashMap<>();
            double total = 0;
            for (Map.Entry<String, Double> e : cpuSeconds.entrySet()) {
                cpu.put(e.getKey(), round(e.getValue() * 1000 / sent));
                total += e.getValue();
            }
            cpu.put("total", round(total * 1000 / sent));
            m.put("service_cpu_ms_per_image", cpu);
            m.put("service_cores", wallSeconds <= 0 ? 0 : round(total / wallSeconds));
            if (deadLetters > 0 || classified < sent) {
                m.put("dead_letters", deadLetters);
                m.put("missing", sent - classified - deadLetters);
            }
            return m;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads == 0) {
            threads = ServiceConfig.autoStreamThreads(
                    Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
        }
        if (images < 2 || runOptions.batch < 1 || threads < 1 || seconds <= 0 || runOptions.labels < 1 || rate < 0) {
            throw new IllegalArgumentException(
                    "--images ≥ 2, --batch, --threads, --labels ≥ 1, --seconds > 0, --rate ≥ 0");
        }
        ToolConsole.quietLogs(ch.qos.logback.classic.Level.ERROR);
        Path work = Files.createTempDirectory("clipstream-bench-e2e");
        try {
            return bench(work);
        } finally {
            ToolConsole.delete(work);
        }
    }

    private int bench(Path work) throws Exception {
        Path serviceModel = serviceModelDir(work);
        long t0 = System.nanoTime();
        // With a child service on a written model, the bench's own copy (for the tower-alone figure) is read from the
        // same folder rather than generated a second time.
        ClipModel model = serviceProcess ? ClipModel.load(serviceModel) : modelOption.load();
        err.printf("e2e: model %s ready in %.1f s%n", model.id(), since(t0));
        List<byte[]> jpegs = new ArrayList<>();
        for (int i = 0; i < Math.min(DISTINCT_IMAGES, images); i++) {
            jpegs.add(BenchPhoto.of(i));
        }
        double jpegKb = jpegs.stream().mapToInt(b -> b.length).average().orElse(0) / 1024;
        err.printf("e2e: %d distinct 640x480 JPEGs, mean %.0f KB%n", jpegs.size(), jpegKb);
        float[] one = model.preprocess(jpegs.get(0));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", "e2e");
        boolean complete;
        double towerBefore;
        double towerAfter;

        int parts = partitions > 0 ? partitions : threads;
        try (LocalCluster cluster = LocalCluster.start(work, "clipstream-bench-" + UUID.randomUUID())) {
            EmbeddedBroker broker = cluster.broker();
            SchemaRegistryHttpServer registry = cluster.registry();
            Map<String, String> settings = serviceSettings(
                    broker.bootstrapServers(),
                    registry.url(),
                    work.resolve("state"),
                    serviceModel,
                    guarantee,
                    threads,
                    runOptions.batch,
                    runOptions.waitMs,
                    overlap,
                    preprocessThreads,
                    parts);
            ServiceConfig config = ServiceConfig.from(settings);
            TopologySettings topics = config.topology();
            RecordSerdes serdes = RecordSerdes.configured(config.serdeConfig());
            try (BenchService service = serviceProcess
                            ? BenchService.childProcess(settings, work, Duration.ofSeconds(runOptions.timeoutSeconds))
                            : BenchService.inProcess(config, model);
                    KafkaProducer<byte[], byte[]> producer = cluster.producer(PRODUCER_BUFFER);
                    Outputs outputs = Outputs.start(broker.bootstrapServers(), topics)) {
                publishLabels(producer, serdes, topics, service, runOptions.labels, runOptions.timeoutSeconds, err);
                Runner runner = new Runner(
                        producer,
                        outputs,
                        topics.imagesTopic(),
                        service,
                        Duration.ofSeconds(runOptions.timeoutSeconds));

                int warm = runOptions.warmup > 0 ? runOptions.warmup : 2 * runOptions.batch * threads;
                err.printf("e2e: warm-up, %d images%n", warm);
                runner.run(events(serdes, topics.imagesTopic(), jpegs, "warm", warm), 0);

                // The tower alone right before and right after the flood, in the same warm JVM with the service idle:
                // other processes share these cores, and a figure taken minutes apart would say more about them.
                towerBefore = towerRate(model, one, runOptions.batch, threads, seconds, err);
                // In a child process the stream threads cannot be sampled from here.
                List<Thread> streamThreads = !service.inThisJvm()
                        ? List.of()
                        : Thread.getAllStackTraces().keySet().stream()
                                .filter(t -> isStreamThread(t.getName()))
                                .toList();
                err.printf(
                        "e2e: flood, %d images; sampling %s%n",
                        images, streamThreads.stream().map(Thread::getName).toList());
                List<StampedEvent> flood = events(serdes, topics.imagesTopic(), jpegs, "flood", images);
                long preprocessCpu = cpuNanos(name -> name.equals("clipstream-preprocess"));
                long streamCpu = cpuNanos(E2eBench::isStreamThread);
                Run max;
                Map<String, Double> profile;
                try (ThreadSampler sampler = ThreadSampler.start(streamThreads, STREAM_THREAD_RULES, 10)) {
                    max = runner.run(flood, 0);
                    profile = sampler.shares();
                    err.println("e2e: stream threads, most frequent 'other' frames: " + sampler.topOther(5));
                }
                preprocessCpu = cpuNanos(name -> name.equals("clipstream-preprocess")) - preprocessCpu;
                streamCpu = cpuNanos(E2eBench::isStreamThread) - streamCpu;
                err.printf(
                        "e2e: flood %.2f images/s, p50 %.0f ms, p99 %.0f ms%n",
                        max.imagesPerS(), max.p50Ms(), max.p99Ms());

                towerAfter = towerRate(model, one, runOptions.batch, threads, seconds, err);

                double offered = rate > 0 ? rate : max.imagesPerS() / 2;
                int count = Math.max(2, (int) Math.round(offered * seconds));
                err.printf("e2e: fixed rate %.2f images/s for %.0f s (%d images)%n", offered, count / offered, count);
                Run half = runner.run(events(serdes, topics.imagesTopic(), jpegs, "rate", count), offered);
                err.printf(
                        "e2e: at %.2f/s: p50 %.0f ms, p99 %.0f ms, mean batch %.1f%n",
                        offered, half.p50Ms(), half.p99Ms(), half.meanBatch());

                complete = max.complete() && half.complete();
                if (newLabelSet > 0) {
                    Map<String, Object> during = new LinkedHashMap<>();
                    complete &= labelSetDuringFlood(producer, serdes, topics, service, runner, jpegs, during);
                    result.put("label_set_during_flood", during);
                }
                result.put("images_per_s", round(max.imagesPerS()));
                result.put("p50_ms", round(max.p50Ms()));
                result.put("p99_ms", round(max.p99Ms()));
                result.put("flood", max.json());
                Map<String, Object> halfJson = new LinkedHashMap<>();
                halfJson.put("offered_per_s", round(offered));
                halfJson.putAll(half.json());
                result.put("rate_half", halfJson);
                if (service.inThisJvm()) {
                    Map<String, Object> streamThread = new LinkedHashMap<>(profile);
                    streamThread.put("cpu_ms_per_image", round(streamCpu / 1e6 / images));
                    result.put("stream_thread_time", streamThread);
                    result.put("preprocess_cpu_ms_per_image", round(preprocessCpu / 1e6 / images));
                }
                result.put("peak_rss_mb", service.peakRssMb());
                result.put(
                        "peak_rss_of",
                        service.inThisJvm()
                                ? "the bench JVM: service, broker, registry and clients"
                                : "the service process alone");
            }
        }
        double tower = (towerBefore + towerAfter) / 2;
        double e2e = (double) result.get("images_per_s");
        result.put("tower_images_per_s", round(tower));
        result.put("tower_before_after", List.of(round(towerBefore), round(towerAfter)));
        result.put("ratio", round(e2e / tower));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", modelOption.dir == null ? "random full-size" : model.id());
        settings.put("batch", runOptions.batch);
        settings.put("stream_threads", threads);
        settings.put("batch_max_wait_ms", runOptions.waitMs);
        settings.put("batch_overlap", overlap);
        settings.put(
                "preprocess_threads",
                preprocessThreads > 0 ? preprocessThreads : Runtime.getRuntime().availableProcessors());
        settings.put("partitions", parts);
        settings.put("guarantee", guarantee);
        settings.put("service_process", serviceProcess);
        settings.put("labels", runOptions.labels);
        settings.put("jpeg_kb", round(jpegKb));
        settings.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        settings.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"));
        settings.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("settings", settings);
        result.put("flood", result.remove("flood")); // details after the headline figures
        new JsonLines(System.out).write(result);
        return complete ? 0 : 1;
    }

    /** The service's settings for a bench run on {@code bootstrap} and {@code registryUrl}; 127.0.0.1 only. */
    static Map<String, String> serviceSettings(
            String bootstrap,
            String registryUrl,
            Path stateDir,
            Path modelDir,
            String guarantee,
            int threads,
            int batch,
            int waitMs,
            boolean overlap,
            int preprocessThreads,
            int partitions) {
        return Map.ofEntries(
                Map.entry("bootstrap.servers", bootstrap),
                Map.entry("schema.registry.url", registryUrl),
                Map.entry("application.id", APPLICATION_ID),
                Map.entry("state.dir", stateDir.toString()),
                Map.entry("model.dir", modelDir.toString()),
                Map.entry("processing.guarantee", guarantee),
                Map.entry("num.stream.threads", String.valueOf(threads)),
                Map.entry("image.batch.size", String.valueOf(batch)),
                Map.entry("image.batch.max.wait.ms", String.valueOf(waitMs)),
                Map.entry("image.batch.overlap", String.valueOf(overlap)),
                Map.entry("preprocess.threads", String.valueOf(preprocessThreads)),
                Map.entry("topics.partitions", String.valueOf(partitions)),
                Map.entry("topics.replication.factor", "1"),
                Map.entry("shutdown.timeout.ms", "10000"));
    }

    /** Where a stream thread's samples go: its innermost frame that matches, tried in this order. */
    /** The service's application.id: its stream threads' names start with it. */
    static final String APPLICATION_ID = "clipstream-bench";

    /** Send buffer of the bench's producer: a flood of JPEGs at once. */
    static final long PRODUCER_BUFFER = 256L << 20;

    static final List<ThreadSampler.Rule> STREAM_THREAD_RULES = List.of(
            new ThreadSampler.Rule("tower", "io.clipstream.model.ClipModel", "encodeImages"),
            new ThreadSampler.Rule("awaiting_tower", "io.clipstream.topology.images.TowerRunner", "awaitInTower"),
            new ThreadSampler.Rule("awaiting_preprocess", "io.clipstream.topology.images.ImageClassifier", "await"),
            new ThreadSampler.Rule("reading_events", "io.clipstream.topology.images.ImageClassifier", "start"),
            new ThreadSampler.Rule("state_store", "org.rocksdb", ""),
            new ThreadSampler.Rule("producing", "RecordCollectorImpl", "send"),
            new ThreadSampler.Rule("committing", "org.apache.kafka.streams.processor.internals", "commit"),
            new ThreadSampler.Rule("polling", "org.apache.kafka.clients.consumer", "poll"));

    /** Sends runs of events and waits for their outputs; one run at a time. */
    static final class Runner {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Outputs outputs;
        private final String topic;
        private final BenchService service;
        private final Duration timeout;

        Runner(
                KafkaProducer<byte[], byte[]> producer,
                Outputs outputs,
                String topic,
                BenchService service,
                Duration timeout) {
            this.producer = producer;
            this.outputs = outputs;
            this.topic = topic;
            this.service = service;
            this.timeout = timeout;
        }

        /** Sends {@code events} as fast as possible ({@code perSecond} 0) or at that rate, and awaits every output. */
        Run run(List<StampedEvent> events, double perSecond) throws Exception {
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            outputs.expect(sentAt);
            BenchService.Meters before = service.meters();
            ProcessCpu.Snapshot cpuBefore = ProcessCpu.snapshot(service.pid());
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                if (perSecond > 0) {
                    long due = start + (long) (i * 1e9 / perSecond);
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                }
                StampedEvent event = events.get(i);
                long now = System.currentTimeMillis();
                sentAt.put(event.id(), now);
                producer.send(new ProducerRecord<>(topic, null, now, bytes(event.id()), event.stamp(now)));
            }
            producer.flush();
            Outputs.Seen seen = outputs.await(events.size(), timeout);
            double wall = (seen.lastNanos() - start) / 1e9;
            BenchService.Meters after = service.meters();
            Map<String, Double> cpu = ProcessCpu.split(cpuBefore, ProcessCpu.snapshot(service.pid()));
            double batches = after.batches() - before.batches();
            double images = after.batchImages() - before.batchImages();
            double tower = after.towerSeconds() - before.towerSeconds();
            return new Run(
                    events.size(),
                    seen.classified(),
                    seen.deadLetters(),
                    seen.sustainedRate(),
                    seen.percentileMs(0.50),
                    seen.percentileMs(0.99),
                    seen.percentileMs(1.0),
                    batches == 0 ? 0 : images / batches,
                    wall <= 0 ? 0 : tower / wall,
                    tower <= 0 ? 0 : images / tower,
                    cpu,
                    wall);
        }
    }

    /**
     * A read_committed consumer of classifications and dead letters on its own thread, recording when each
     * expected image's output became visible.
     */
    static final class Outputs implements AutoCloseable {
        /** What a run's outputs showed. */
        record Seen(int classified, int deadLetters, long[] latenciesMs, long[] arrivalNanos) {
            long lastNanos() {
                return arrivalNanos.length == 0 ? System.nanoTime() : arrivalNanos[arrivalNanos.length - 1];
            }

            /** Outputs after the first commit that made any visible, over the time since then: ramp-up excluded. */
            double sustainedRate() {
                if (arrivalNanos.length < 2) {
                    return 0;
                }
                long first = arrivalNanos[0];
                int after = 0;
                for (long t : arrivalNanos) {
                    after += t > first ? 1 : 0;
                }
                double span = (lastNanos() - first) / 1e9;
                return span <= 0 ? 0 : after / span;
            }

            double percentileMs(double q) {
                if (latenciesMs.length == 0) {
                    return Double.NaN;
                }
                int rank = (int) Math.ceil(q * latenciesMs.length) - 1;
                return latenciesMs[Math.max(0, Math.min(latenciesMs.length - 1, rank))];
            }
        }

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String deadLetterTopic;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Map<String, Long> expected = Map.of();
        private final List<long[]> seen = new ArrayList<>(); // {latency ms, arrival nanos, dead 0/1}
        private volatile Throwable failure;

        private Outputs(KafkaConsumer<byte[], byte[]> consumer, String deadLetterTopic) {
            this.consumer = consumer;
            this.deadLetterTopic = deadLetterTopic;
            this.thread = new Thread(this::loop, "bench-outputs");
            thread.setDaemon(true);
        }

        static Outputs start(String bootstrap, TopologySettings topics) {
            return start(bootstrap, topics.classificationsTopic(), topics.deadLetterTopic());
        }

        /** Reads {@code classifications} and {@code deadLetters} (topics that exist) from their beginning. */
        static Outputs start(String bootstrap, String classifications, String deadLetters) {
            KafkaConsumer<byte[], byte[]> consumer =
                    LocalCluster.committedReader(bootstrap, List.of(classifications, deadLetters));
            Outputs outputs = new Outputs(consumer, deadLetters);
            outputs.thread.start();
            return outputs;
        }

        void expect(Map<String, Long> sentAt) {
            synchronized (seen) {
                seen.clear();
                expected = sentAt;
            }
        }

        private void loop() {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long nowMs = System.currentTimeMillis();
                        long nowNanos = System.nanoTime();
                        Long sent = expected.get(text(r.key()));
                        if (sent != null) {
                            synchronized (seen) {
                                seen.add(new long[] {
                                    nowMs - sent, nowNanos, r.topic().equals(deadLetterTopic) ? 1 : 0
                                });
                                seen.notifyAll();
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                consumer.close();
            }
        }

        Seen await(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (seen) {
                while (seen.size() < count && System.nanoTime() < deadline && failure == null) {
                    seen.wait(200);
                }
                if (failure != null) {
                    throw new IllegalStateException("reading outputs failed", failure);
                }
                int dead = 0;
                List<Long> latencies = new ArrayList<>();
                long[] arrivals = new long[seen.size()];
                for (int i = 0; i < seen.size(); i++) {
                    long[] s = seen.get(i);
                    arrivals[i] = s[1];
                    if (s[2] == 1) {
                        dead++;
                    } else {
                        latencies.add(s[0]);
                    }
                }
                long[] sorted =
                        latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                Arrays.sort(arrivals);
                return new Seen(sorted.length, dead, sorted, arrivals);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** Publishes a label set of {@code labels} labels and waits until the service holds their embeddings. */
    static void publishLabels(
            KafkaProducer<byte[], byte[]> producer,
            RecordSerdes serdes,
            TopologySettings topics,
            BenchService service,
            int labels,
            int timeoutSeconds,
            PrintStream err)
            throws Exception {
        List<String> names;
        try (var in = E2eBench.class.getResourceAsStream("/io/clipstream/model/imagenet_classnames.txt")) {
            names = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .distinct()
                    .toList();
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            list.add(i < names.size() ? names.get(i) : names.get(i % names.size()) + " " + i);
        }
        long t0 = System.nanoTime();
        publish(producer, serdes, topics, labelSet(LABEL_SET, list, "a photo of a {}.", "bench e2e"));
        awaitLabels(service, labels, timeoutSeconds);
        err.printf("e2e: %d labels encoded in %.1f s%n", labels, since(t0));
    }

    /**
     * A new label set of {@link #newLabelSet} labels, published right before a flood of {@link #images} images (which
     * use the first set): its encoding and the flood share the service. Records the flood's rate, the set's time to
     * ready and the service's peak resident memory before and after; true if every image was answered.
     */
    private boolean labelSetDuringFlood(
            KafkaProducer<byte[], byte[]> producer,
            RecordSerdes serdes,
            TopologySettings topics,
            BenchService service,
            Runner runner,
            List<byte[]> jpegs,
            Map<String, Object> out)
            throws Exception {
        double held = service.meters().labels();
        long peakBefore = service.peakRssMb();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < newLabelSet; i++) {
            names.add("new label " + i);
        }
        long t0 = System.nanoTime();
        publish(
                producer,
                serdes,
                topics,
                labelSet(
                        NEW_LABEL_SET,
                        names,
                        "a picture of the {}, as it looks.",
                        "bench e2e: encoded during a flood"));
        err.printf("e2e: new label set of %d labels published; flood, %d images%n", newLabelSet, images);
        Run flood = runner.run(events(serdes, topics.imagesTopic(), jpegs, "during-labels", images), 0);
        awaitLabels(service, (int) held + newLabelSet, runOptions.timeoutSeconds);
        double ready = since(t0);
        long peakAfter = service.peakRssMb();
        err.printf(
                "e2e: during the label set: flood %.2f images/s; set ready in %.1f s; peak RSS %d -> %d MB%n",
                flood.imagesPerS(), ready, peakBefore, peakAfter);
        out.put("labels", newLabelSet);
        out.put("images_per_s", round(flood.imagesPerS()));
        out.put("label_set_ready_s", round(ready));
        out.put("peak_rss_mb_before", peakBefore);
        out.put("peak_rss_mb_after", peakAfter);
        out.put("flood", flood.json());
        return flood.complete();
    }

    /** Version 1 of a set of the given labels, each named by text through one template. */
    static LabelSet labelSet(String id, List<String> names, String template, String description) {
        return LabelSets.of(id, 1, names, List.of(template), 5, description);
    }

    /** Writes {@code set} to the label-set topic, keyed by its id, and waits for the broker's acknowledgement. */
    static void publish(
            KafkaProducer<byte[], byte[]> producer, RecordSerdes serdes, TopologySettings topics, LabelSet set)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        topics.labelSetsTopic(),
                        bytes(set.getId()),
                        serdes.labelSet().serializer().serialize(topics.labelSetsTopic(), set)))
                .get();
    }

    /** Waits until the service holds at least {@code labels} label embeddings. */
    static void awaitLabels(BenchService service, int labels, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (service.meters().labels() < labels) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the label set was not encoded within " + timeoutSeconds + " s");
            }
            Thread.sleep(100);
        }
    }

    /** {@code count} events cycling over the JPEGs, serialized now; ids are {@code <prefix>-<n>}. */
    static List<StampedEvent> events(RecordSerdes serdes, String topic, List<byte[]> jpegs, String prefix, int count) {
        List<StampedEvent> events = new ArrayList<>(count);
        Instant placeholder = Instant.now();
        for (int i = 0; i < count; i++) {
            ImageEvent event = ImageEvent.newBuilder()
                    .setId(prefix + "-" + i)
                    .setEventTime(placeholder)
                    .setImage(InlineImage.newBuilder()
                            .setData(ByteBuffer.wrap(jpegs.get(i % jpegs.size())))
                            .build())
                    .setContentType("image/jpeg")
                    .setLabelSet(LABEL_SET)
                    .setAttributes(Map.of())
                    .build();
            events.add(StampedEvent.of(serdes.imageEvent().serializer(), topic, event));
        }
        return events;
    }

    /**
     * The image tower alone, as the service runs it: {@code threads} Java threads sharing the one graph, each
     * encoding {@code batch} images per call; images/s over {@code seconds} after up to 5 s of warm-up.
     */
    static double towerRate(ClipModel model, float[] image, int batch, int threads, double seconds, PrintStream err)
            throws Exception {
        float[] pixels = new float[image.length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(image, 0, pixels, i * image.length, image.length);
        }
        AtomicLong opened = new AtomicLong();
        AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
        // The window opens once every worker has made its warm-up call.
        CyclicBarrier warm = new CyclicBarrier(threads, () -> {
            opened.set(System.nanoTime());
            deadline.set(opened.get() + (long) (seconds * 1e9));
        });
        AtomicLong done = new AtomicLong();
        long warmUntil = System.nanoTime() + (long) (Math.min(seconds, 5) * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        try {
                            do {
                                model.encodeImages(pixels, batch);
                            } while (System.nanoTime() < warmUntil);
                            warm.await();
                            while (System.nanoTime() < deadline.get()) {
                                model.encodeImages(pixels, batch);
                                done.addAndGet(batch);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "bench-tower-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double rate = done.get() / ((System.nanoTime() - opened.get()) / 1e9);
        err.printf("e2e: image tower alone, batch %d x %d threads: %.2f images/s%n", batch, threads, rate);
        return rate;
    }

    /** Kafka Streams' stream threads are named {@code <client id>-StreamThread-<n>}; their clients add suffixes. */
    private static boolean isStreamThread(String name) {
        return name.matches(".*-StreamThread-\\d+");
    }

    /** CPU time so far of the live threads whose name is accepted. */
    private static long cpuNanos(java.util.function.Predicate<String> name) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (name.test(t.getName())) {
                total += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    /**
     * The model folder a child-process service loads: {@code --model}, or the full-size random model written into
     * {@code work} (the in-process service shares the bench's model and reads no folder).
     */
    private Path serviceModelDir(Path work) throws IOException {
        if (!serviceProcess) {
            return work;
        }
        if (modelOption.dir != null) {
            return modelOption.dir;
        }
        long t0 = System.nanoTime();
        Path dir = TinyModel.writeFullSize(work.resolve("random-full-size-model"), 1);
        err.printf("e2e: full-size random model written to disk for the service process in %.1f s%n", since(t0));
        return dir;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
