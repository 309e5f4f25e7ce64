package io.clipstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.cli.JsonLines;
import io.clipstream.cli.ToolConsole;
import io.clipstream.model.ClipModel;
import io.clipstream.model.TinyModel;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.service.LocalCluster;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clipstream-bench compare} (issue #14): clipstream end to end against a plain Python consumer loop
 * ({@code bench/python_loop.py}) on one in-process broker and registry, one side at a time, alternating, for
 * {@code --rounds} rounds. Each side gets fresh topics with the same {@code --images} 640×480 JPEG ImageEvents (same
 * ids, same pictures), after a warm-up of its own; both are timed by the same read_committed consumer of their
 * outputs (images/s from the first visible output to the last, as {@code clipstream-bench e2e}). The clipstream side is
 * {@code clipstream run} in a child JVM ({@code clipstream-bench e2e --service-process}), exactly-once; right before and
 * right after it, the image tower alone in a JVM of its own started as the service's ({@link TowerAlone}), at the same
 * batch and shape, the mean of the two being "the tower alone". The Python side scores against the label embeddings the service
 * wrote, so both sides' top-1 labels are compared image by image. The last line is one JSON object.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "clipstream end to end against a plain Python consumer loop (bench/python_loop.py), alternating "
                + "rounds on one broker; last line is JSON.")
final class CompareBench implements Callable<Integer> {
    /**
     * Warm-up images of each side by default: a running service is compared, not one seconds after its start, when the
     * JVM's C2 compiler still takes a share of the cores (BENCHMARKS.md, "C1 only").
     */
    static final int STEADY_WARMUP = 400;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ModelOption modelOption;

    @Mixin
    ServiceRunOptions runOptions;

    @Option(names = "--tiny-random-model", description = "Write and use the tiny random model (smoke runs).")
    boolean tiny;

    @Option(
            names = "--images",
            defaultValue = "200",
            description = "Timed images per side and round (default ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "Rounds; each runs both sides once (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "num.stream.threads of the clipstream side (its input gets as many partitions) and streams of "
                            + "its tower-alone run; 0: the service's auto, CPUs / OMP_NUM_THREADS (default ${DEFAULT-VALUE}). "
                            + "The Python side always runs one process on OMP_NUM_THREADS = CPUs.")
    int threads;

    @Option(
            names = "--tower-seconds",
            defaultValue = "20",
            description = "Length of each tower-alone measurement, before and after each clipstream side "
                    + "(default ${DEFAULT-VALUE}).")
    double towerSeconds;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;

    @Option(
            names = "--python-loop",
            defaultValue = "bench/python_loop.py",
            paramLabel = "FILE",
            description = "The Python side's script (default ${DEFAULT-VALUE}).")
    Path pythonLoop;

    @Option(
            names = "--python-blas",
            paramLabel = "DIR",
            description = "LD_LIBRARY_PATH of the Python side only, e.g. Debian's OpenBLAS (see bench/pytorch_vit.py).")
    Path pythonBlas;

    private final PrintStream err = System.err;
    private int streamThreads;
    private Path workDir;

    @Override
    public Integer call() throws Exception {
        if (images < 2 || rounds < 1 || runOptions.batch < 1 || runOptions.labels < 1 || towerSeconds <= 0) {
            throw new IllegalArgumentException("--images ≥ 2, --rounds, --batch, --labels ≥ 1, --tower-seconds > 0");
        }
        if (!Files.isRegularFile(pythonLoop)) {
            throw new IllegalArgumentException(
                    pythonLoop + " not found: run from the repository or give --python-loop");
        }
        ToolConsole.quietLogs(ch.qos.logback.classic.Level.ERROR);
        Path work = Files.createTempDirectory("clipstream-bench-compare");
        try {
            return bench(work);
        } finally {
            ToolConsole.delete(work);
        }
    }

    private int bench(Path work) throws Exception {
        workDir = work;
        long t0 = System.nanoTime();
        Path model = modelOption.dir != null
                ? modelOption.dir
                : tiny
                        ? ClipModel.writeTinyRandomModel(work.resolve("tiny-random-model"), 1)
                        : TinyModel.writeFullSize(work.resolve("random-full-size-model"), 1);
        ClipModel tower = ClipModel.load(model);
        err.printf("compare: model %s ready in %.1f s%n", tower.id(), E2eBench.since(t0));
        List<byte[]> jpegs = new ArrayList<>();
        for (int i = 0; i < Math.min(E2eBench.DISTINCT_IMAGES, images); i++) {
            jpegs.add(BenchPhoto.of(i));
        }
        Path firstJpeg = Files.write(work.resolve("tower-alone.jpg"), jpegs.get(0));
        int cores = Runtime.getRuntime().availableProcessors();
        streamThreads =
                threads > 0 ? threads : ServiceConfig.autoStreamThreads(cores, System.getenv("OMP_NUM_THREADS"));
        int warm = runOptions.warmup > 0 ? runOptions.warmup : STEADY_WARMUP;

        List<Map<String, Object>> results = new ArrayList<>();
        int mismatches = 0;
        try (LocalCluster cluster = LocalCluster.start(work, "clipstream-compare-" + UUID.randomUUID());
                KafkaProducer<byte[], byte[]> producer = cluster.producer(E2eBench.PRODUCER_BUFFER);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            String bootstrap = cluster.bootstrapServers();
            SchemaRegistryHttpServer registry = cluster.registry();
            boolean labelsPublished = false;
            // Topic names the sides share (label sets and embeddings) and serdes on this registry, for any topic.
            ServiceConfig base = ServiceConfig.from(E2eBench.serviceSettings(
                    bootstrap,
                    registry.url(),
                    work.resolve("state"),
                    model,
                    "exactly_once_v2",
                    1,
                    runOptions.batch,
                    runOptions.waitMs,
                    true,
                    0,
                    1));
            TopologySettings shared = base.topology();
            RecordSerdes serdes = RecordSerdes.configured(base.serdeConfig());
            for (int round = 1; round <= rounds; round++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("round", round);
                // Odd rounds clipstream first, even rounds Python first (the first round encodes the label set).
                Clipstream c = null;
                Python p = null;
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == (round % 2 == 1)) {
                        c = clipstream(
                                round,
                                bootstrap,
                                registry.url(),
                                producer,
                                model,
                                jpegs,
                                warm,
                                firstJpeg,
                                !labelsPublished);
                        labelsPublished = true;
                    } else {
                        p = python(
                                round,
                                bootstrap,
                                registry.url(),
                                producer,
                                admin,
                                model,
                                shared,
                                serdes,
                                jpegs,
                                warm,
                                cores);
                    }
                }
                E2eBench.Run cs = c.run();
                E2eBench.Run py = p.run();
                double towerRate = c.tower();
                Map<String, Object> pySelf = p.self();
                String out = p.output();
                TopologySettings topics = c.topics();
                long csRss = c.peakRssMb();
                r.put("order", round % 2 == 1 ? "clipstream, python" : "python, clipstream");

                Agreement agreement = Agreement.of(
                        read(
                                bootstrap,
                                topics.classificationsTopic(),
                                serdes.classification().deserializer()),
                        read(bootstrap, out, serdes.classification().deserializer()));
                mismatches += agreement.mismatches() + agreement.missing();

                Map<String, Object> csJson = new LinkedHashMap<>(cs.json());
                csJson.put("peak_rss_mb", csRss);
                csJson.put("tower_alone_images_per_s", E2eBench.round(towerRate));
                csJson.put(
                        "tower_alone_before_after",
                        List.of(E2eBench.round(c.towerBefore()), E2eBench.round(c.towerAfter())));
                Map<String, Object> pyJson = new LinkedHashMap<>(py.json());
                pyJson.remove("mean_batch");
                pyJson.remove("tower_busy");
                pyJson.remove("tower_images_per_s_inside");
                pyJson.remove("service_cpu_ms_per_image"); // thread roles are the service's; service_cores stays
                pyJson.put("peak_rss_mb", pySelf.getOrDefault("peak_rss_mb", p.peakRssMb()));
                pyJson.put("self", pySelf);
                r.put("clipstream", csJson);
                r.put("python", pyJson);
                r.put("clipstream_over_python", ratio(cs.imagesPerS(), py.imagesPerS()));
                r.put("clipstream_over_tower", ratio(cs.imagesPerS(), towerRate));
                r.put("top1_mismatches", agreement.mismatches());
                r.put("missing", agreement.missing());
                r.put("max_cosine_diff", agreement.maxCosineDiff());
                err.printf(
                        "compare: round %d: clipstream %.2f images/s (tower alone %.2f, ratio %.2f), python %.2f "
                                + "images/s; clipstream/python %.2f; top-1 mismatches %d, max |Δcos| %.2g%n",
                        round,
                        cs.imagesPerS(),
                        towerRate,
                        cs.imagesPerS() / towerRate,
                        py.imagesPerS(),
                        cs.imagesPerS() / py.imagesPerS(),
                        agreement.mismatches(),
                        agreement.maxCosineDiff());
                new JsonLines(err).write(r);
                results.add(r);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", "compare");
        result.put(
                "clipstream_over_python",
                results.stream().map(r -> r.get("clipstream_over_python")).toList());
        result.put(
                "clipstream_over_tower",
                results.stream().map(r -> r.get("clipstream_over_tower")).toList());
        result.put("top1_mismatches", mismatches);
        result.put("rounds", results);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("model", modelOption.dir != null ? tower.id() : tiny ? "tiny random" : "random full-size");
        env.put("images", images);
        env.put("warmup", warm);
        env.put("batch", runOptions.batch);
        env.put("wait_ms", runOptions.waitMs);
        env.put("labels", runOptions.labels);
        env.put("guarantee", "exactly_once_v2 / python transactions");
        env.put("order", "odd rounds clipstream first, even rounds python first");
        env.put("cores", cores);
        env.put("clipstream_stream_threads", streamThreads);
        env.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        env.put("python_OMP_NUM_THREADS", pythonEnv(cores).get("OMP_NUM_THREADS"));
        env.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"));
        env.put("OMP_WAIT_POLICY", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        env.put("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"));
        env.put("java", System.getProperty("java.version"));
        env.put("python_LD_LIBRARY_PATH", pythonEnv(cores).getOrDefault("LD_LIBRARY_PATH", "unset"));
        result.put("environment", env);
        new JsonLines(System.out).write(result);
        return mismatches == 0 ? 0 : 1;
    }

    /**
     * What the clipstream side of a round gave; {@code towerBefore} and {@code towerAfter} are the tower alone right
     * before and right after the service, and {@link #tower} their mean: the machine's speed drifts by the minute.
     */
    private record Clipstream(
            TopologySettings topics,
            RecordSerdes serdes,
            E2eBench.Run run,
            long peakRssMb,
            double towerBefore,
            double towerAfter) {
        double tower() {
            return (towerBefore + towerAfter) / 2;
        }
    }

    /** What the Python side of a round gave: the bench's measurement and its own JSON line. */
    private record Python(String output, E2eBench.Run run, long peakRssMb, Map<String, Object> self) {}

    /**
     * The tower alone in a JVM of its own ({@link TowerAlone}); the service as its own process on fresh topics and
     * application id, exactly-once; the tower alone again, the service stopped.
     */
    private Clipstream clipstream(
            int round,
            String bootstrap,
            String registryUrl,
            KafkaProducer<byte[], byte[]> producer,
            Path model,
            List<byte[]> jpegs,
            int warm,
            Path jpeg,
            boolean publishLabels)
            throws Exception {
        Path work = Files.createDirectories(workDir.resolve("clipstream-" + round));
        Map<String, String> settings = new HashMap<>(E2eBench.serviceSettings(
                bootstrap,
                registryUrl,
                work.resolve("state"),
                model,
                "exactly_once_v2",
                streamThreads,
                runOptions.batch,
                runOptions.waitMs,
                true,
                0,
                streamThreads));
        settings.put("application.id", "clipstream-compare-" + round);
        settings.put("topic.images", "images-clipstream-" + round);
        settings.put("topic.classifications", "classifications-clipstream-" + round);
        settings.put("topic.dead.letters", "dead-letters-clipstream-" + round);
        ServiceConfig config = ServiceConfig.from(settings);
        TopologySettings topics = config.topology();
        RecordSerdes serdes = RecordSerdes.configured(config.serdeConfig());
        double towerBefore = towerAlone(model, jpeg, "before");
        err.printf("compare: round %d, clipstream (service process)%n", round);
        E2eBench.Run run;
        long rss;
        long embeddingsBefore = publishLabels ? 0 : endOffsets(bootstrap, topics.labelEmbeddingsTopic());
        try (BenchService service =
                BenchService.childProcess(settings, work, Duration.ofSeconds(runOptions.timeoutSeconds))) {
            if (publishLabels) {
                E2eBench.publishLabels(
                        producer, serdes, topics, service, runOptions.labels, runOptions.timeoutSeconds, err);
            } else {
                // A new application id reads the label-set topic from the start and encodes the set again, while
                // the earlier rounds' embeddings already count as ready: wait for its own, so that every round
                // runs labels first and images after, as the first does.
                awaitEmbeddings(bootstrap, topics.labelEmbeddingsTopic(), embeddingsBefore + runOptions.labels);
            }
            run = timed(
                    producer,
                    bootstrap,
                    topics.imagesTopic(),
                    topics.classificationsTopic(),
                    topics.deadLetterTopic(),
                    service,
                    serdes,
                    jpegs,
                    warm);
            rss = service.peakRssMb();
        }
        double towerAfter = towerAlone(model, jpeg, "after");
        return new Clipstream(topics, serdes, run, rss, towerBefore, towerAfter);
    }

    private double towerAlone(Path model, Path jpeg, String when) throws IOException {
        double rate = TowerAlone.inChildJvm(model, jpeg, runOptions.batch, streamThreads, towerSeconds);
        err.printf(
                "compare: image tower alone (own JVM, %s the service), batch %d x %d threads: %.2f images/s%n",
                when, runOptions.batch, streamThreads, rate);
        return rate;
    }

    /** The sum of the end offsets of {@code topic}'s partitions. */
    private static long endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(parts).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Waits until {@code topic}'s end offsets add up to {@code atLeast}: a label set's records are written at once. */
    private void awaitEmbeddings(String bootstrap, String topic, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(runOptions.timeoutSeconds);
        while (endOffsets(bootstrap, topic) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the service did not write its label embeddings within " + runOptions.timeoutSeconds + " s");
            }
            Thread.sleep(200);
        }
    }

    /** The plain loop as a child process on the same broker, on topics of its own. */
    private Python python(
            int round,
            String bootstrap,
            String registryUrl,
            KafkaProducer<byte[], byte[]> producer,
            Admin admin,
            Path model,
            TopologySettings topics,
            RecordSerdes serdes,
            List<byte[]> jpegs,
            int warm,
            int cores)
            throws Exception {
        err.printf("compare: round %d, python (%s)%n", round, pythonLoop);
        Path work = Files.createDirectories(workDir.resolve("python-" + round));
        String in = "images-python-" + round;
        String out = "classifications-python-" + round;
        String dead = "dead-letters-python-" + round;
        admin.createTopics(List.of(
                        new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1), new NewTopic(dead, 1, (short)
                                1)))
                .all()
                .get(60, TimeUnit.SECONDS);
        E2eBench.Run run;
        PythonSide side;
        try (PythonSide child = PythonSide.start(
                pythonCommand(bootstrap, registryUrl, model, topics, in, out, round, warm + images, warm, cores),
                pythonEnv(cores),
                work,
                Duration.ofSeconds(runOptions.timeoutSeconds))) {
            side = child;
            run = timed(producer, bootstrap, in, out, dead, child, serdes, jpegs, warm);
        }
        Map<String, Object> self = side.result(Duration.ofSeconds(120));
        return new Python(out, run, side.peakRssMb(), self);
    }

    /** Warm-up (awaited), then the timed images, on one side's input and outputs. */
    private E2eBench.Run timed(
            KafkaProducer<byte[], byte[]> producer,
            String bootstrap,
            String in,
            String out,
            String dead,
            BenchService side,
            RecordSerdes serdes,
            List<byte[]> jpegs,
            int warm)
            throws Exception {
        try (E2eBench.Outputs outputs = E2eBench.Outputs.start(bootstrap, out, dead)) {
            E2eBench.Runner runner =
                    new E2eBench.Runner(producer, outputs, in, side, Duration.ofSeconds(runOptions.timeoutSeconds));
            E2eBench.Run warmRun = runner.run(E2eBench.events(serdes, in, jpegs, "warm", warm), 0);
            if (!warmRun.complete()) {
                throw new IllegalStateException("warm-up incomplete on " + in + ": " + warmRun.json());
            }
            E2eBench.Run run = runner.run(E2eBench.events(serdes, in, jpegs, "flood", images), 0);
            err.printf("compare: %s: %.2f images/s, p50 %.0f ms%n", in, run.imagesPerS(), run.p50Ms());
            return run;
        }
    }

    private List<String> pythonCommand(
            String bootstrap,
            String registryUrl,
            Path model,
            TopologySettings topics,
            String in,
            String out,
            int round,
            int total,
            int warm,
            int cores) {
        return List.of(
                python,
                pythonLoop.toString(),
                "--bootstrap",
                bootstrap,
                "--registry",
                registryUrl,
                "--model",
                model.toString(),
                "--input",
                in,
                "--output",
                out,
                "--label-embeddings",
                topics.labelEmbeddingsTopic(),
                "--label-set",
                E2eBench.LABEL_SET,
                "--group",
                "python-loop-" + round,
                "--transactional-id",
                "python-loop-" + round,
                "--batch",
                String.valueOf(runOptions.batch),
                "--wait-ms",
                String.valueOf(runOptions.waitMs),
                "--max-images",
                String.valueOf(total),
                "--warmup",
                String.valueOf(warm),
                "--threads",
                String.valueOf(cores));
    }

    /** The Python side's environment: this one, OMP_NUM_THREADS = cores (its one loop's best), --python-blas as its BLAS. */
    private Map<String, String> pythonEnv(int cores) {
        Map<String, String> env = new HashMap<>();
        env.put("OMP_NUM_THREADS", String.valueOf(cores));
        if (pythonBlas != null) {
            env.put("LD_LIBRARY_PATH", pythonBlas.toString());
        }
        return env;
    }

    private static double ratio(double a, double b) {
        return b <= 0 ? 0 : E2eBench.round(a / b);
    }

    /** Every committed classification of {@code topic}, by image id. */
    static Map<String, Classification> read(String bootstrap, String topic, Deserializer<Classification> values) {
        Map<String, Classification> byId = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Classification c = values.deserialize(topic, r.value());
                    byId.put(c.getImageId(), c);
                }
            }
        }
        return byId;
    }

    /**
     * How far the two sides agree: images whose top-1 label differs, images one side lacks, and the largest
     * difference of cosine similarity for a label both sides list in an image's top k.
     */
    record Agreement(int compared, int mismatches, int missing, double maxCosineDiff) {
        static Agreement of(Map<String, Classification> a, Map<String, Classification> b) {
            int compared = 0;
            int mismatches = 0;
            int missing = 0;
            double maxDiff = 0;
            Set<String> ids = new HashSet<>(a.keySet());
            ids.addAll(b.keySet());
            for (String id : ids) {
                Classification x = a.get(id);
                Classification y = b.get(id);
                if (x == null || y == null) {
                    missing++;
                    continue;
                }
                compared++;
                if (x.getTop().isEmpty()
                        || y.getTop().isEmpty()
                        || !x.getTop()
                                .get(0)
                                .getLabel()
                                .equals(y.getTop().get(0).getLabel())) {
                    mismatches++;
                }
                Map<String, Float> ys = new HashMap<>();
                for (LabelScore s : y.getTop()) {
                    ys.put(s.getLabel(), s.getSimilarity());
                }
                for (LabelScore s : x.getTop()) {
                    Float other = ys.get(s.getLabel());
                    if (other != null) {
                        maxDiff = Math.max(maxDiff, Math.abs(s.getSimilarity() - other));
                    }
                }
            }
            return new Agreement(compared, mismatches, missing, maxDiff);
        }
    }

    /**
     * {@code bench/python_loop.py} as a child process: its stderr (progress) goes to this one's, its stdout to a
     * file whose last line is its JSON result. It exits by itself after {@code --max-images}.
     */
    static final class PythonSide implements BenchService {
        private final Process process;
        private final Path stdout;
        private long peakRssMb = -1;

        private PythonSide(Process process, Path stdout) {
            this.process = process;
            this.stdout = stdout;
        }

        /** Starts it and returns once it is ready to consume (its --ready-file exists); fails if it exits first. */
        static PythonSide start(List<String> command, Map<String, String> env, Path dir, Duration timeout)
                throws Exception {
            Path stdout = dir.resolve("python.out");
            Path ready = dir.resolve("python.ready");
            List<String> all = new ArrayList<>(command);
            all.addAll(List.of("--ready-file", ready.toString()));
            ProcessBuilder builder = new ProcessBuilder(all)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(stdout.toFile());
            builder.environment().putAll(env);
            PythonSide side = new PythonSide(builder.start(), stdout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.exists(ready)) {
                if (!side.process.isAlive()) {
                    throw new IllegalStateException("the Python side exited with " + side.process.exitValue()
                            + " before it was ready: " + String.join(" ", all));
                }
                if (System.nanoTime() > deadline) {
                    side.close();
                    throw new IllegalStateException(
                            "the Python side was not ready within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
            return side;
        }

        @Override
        public Meters meters() {
            return new Meters(0, 0, 0, 0);
        }

        @Override
        public long peakRssMb() {
            long now = BenchCommand.peakRssMb(Path.of("/proc", String.valueOf(process.pid()), "status"));
            peakRssMb = Math.max(peakRssMb, now);
            return peakRssMb;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        /** Its JSON line once it has exited (at most {@code wait}). */
        Map<String, Object> result(Duration wait) throws Exception {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the Python side did not exit; its output: " + stdout);
            }
            List<String> lines = Files.readAllLines(stdout);
            if (process.exitValue() != 0 || lines.isEmpty()) {
                throw new IllegalStateException("the Python side exited with " + process.exitValue());
            }
            return parse(lines.get(lines.size() - 1));
        }

        /** The Python side's last line: a JSON object with at least images, seconds and images_per_s. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> parse(String line) throws IOException {
            Map<String, Object> m = JSON.readValue(line, LinkedHashMap.class);
            for (String key : List.of("images", "seconds", "images_per_s")) {
                if (!(m.get(key) instanceof Number)) {
                    throw new IOException("the Python side's JSON has no number " + key + ": " + line);
                }
            }
            return m;
        }

        /** Waits up to 60 s for it to finish by itself (it stops after --max-images), then ends it. */
        @Override
        public void close() throws Exception {
            peakRssMb();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
