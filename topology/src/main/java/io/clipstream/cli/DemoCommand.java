package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import io.clipstream.model.download.ModelCache;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.service.ClipstreamService;
import io.clipstream.service.DemoData;
import io.clipstream.service.LocalCluster;
import io.clipstream.service.Monitoring;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TopologySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole pipeline in one process. A KRaft broker on 127.0.0.1, the in-memory schema registry over
 * HTTP, the service, a demo label set and a handful of images; each classification is printed as it arrives.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a Kafka broker, a schema registry and the service in this process, publish demo labels "
                    + "and images, and print each classification as it arrives (stdout; progress on stderr).",
            "While it runs, any Kafka client can watch the topics on the broker's port."
        })
final class DemoCommand implements Callable<Integer> {
    private static final String BANNER = "!".repeat(78);

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model folder. Default: the download cache (see `clipstream download`).")
    Path model;

    @Option(
            names = "--tiny-random-model",
            description = "Use a tiny model with random weights (no download needed; results are MEANINGLESS).")
    boolean tinyRandomModel;

    @Option(
            names = "--port",
            defaultValue = "9092",
            paramLabel = "PORT",
            description = "Kafka broker port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            paramLabel = "PORT",
            description = "Schema registry port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port).")
    int registryPort;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Health and metrics port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port).")
    int httpPort;

    @Option(names = "--once", description = "Exit 0 once every demo image is classified, 1 after --timeout.")
    boolean once;

    @Option(names = "--json", description = "Print JSON Lines instead of a table.")
    boolean json;

    @Option(
            names = "--timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description = "With --once: give up after this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        ToolConsole.quietLogs(ch.qos.logback.classic.Level.WARN);
        Path work = Files.createTempDirectory("clipstream-demo");
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.set(true);
                    try {
                        finished.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                },
                "clipstream-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Path modelDir = modelDir(work);
            if (modelDir == null) {
                return 1;
            }
            return demo(modelDir, work, stop);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyStopping) {
                // the JVM is shutting down: the hook is running
            }
            ToolConsole.delete(work);
            if (tinyRandomModel) {
                err.println("demo: reminder: the tiny random model's classifications are meaningless.");
            }
            finished.countDown(); // last: once the hook returns, the JVM halts
        }
    }

    private Path modelDir(Path work) throws IOException {
        if (tinyRandomModel) {
            err.println(BANNER);
            err.println("!! --tiny-random-model: a tiny model with RANDOM WEIGHTS. Its classifications are");
            err.println("!! MEANINGLESS: they only show the pipeline working. Run `clipstream download` and");
            err.println("!! `clipstream demo` for real results.");
            err.println(BANNER);
            return ClipModel.writeTinyRandomModel(work.resolve("tiny-random-model"), 42);
        }
        Path dir = model != null ? model : ModelCache.defaultModelDir();
        if (!Files.isDirectory(dir)) {
            err.println("error: no model at " + dir + ".");
            err.println("  Run `clipstream download` first (about 1 GB), pass --model DIR,");
            err.println(
                    "  or run `clipstream demo --tiny-random-model` to see the pipeline with meaningless random weights.");
            return null;
        }
        return dir;
    }

    /** A text search over the demo's window, as a URL that works with curl (no token in the demo). */
    static String searchUrl(String http) {
        return http + "/v1/search?q="
                + URLEncoder.encode(DemoData.LABELS.get(2), StandardCharsets.UTF_8)
                        .replace("+", "%20") + "&k=3";
    }

    private int demo(Path modelDir, Path work, AtomicBoolean stop) throws Exception {
        requireFree(registryPort, "--registry-port");
        requireFree(httpPort, "--http-port");
        long t0 = System.nanoTime();
        err.println("demo: loading model from " + modelDir + " …");
        ClipModel clip = ClipModel.load(modelDir);
        err.printf("demo: model %s loaded in %.1f s%n", clip.id(), seconds(t0));
        err.println("demo: starting Kafka broker on 127.0.0.1:" + port + " …");
        try (LocalCluster cluster =
                        LocalCluster.start(work, port, registryPort, "clipstream-demo-" + UUID.randomUUID());
                Monitoring monitoring = Monitoring.start("127.0.0.1", httpPort)) {
            err.println("demo: broker " + cluster.bootstrapServers() + ", schema registry "
                    + cluster.registry().url() + ", health and metrics "
                    + monitoring.http().url());
            ServiceConfig config = ServiceConfig.from(Map.of(
                    "bootstrap.servers", cluster.bootstrapServers(),
                    "schema.registry.url", cluster.registry().url(),
                    "application.id", "clipstream-demo",
                    "state.dir", work.resolve("state").toString(),
                    "model.dir", modelDir.toString(),
                    "http.bind.address", "127.0.0.1",
                    "top.k", "3",
                    "topics.partitions", "1",
                    "topics.replication.factor", "1",
                    "shutdown.timeout.ms", "10000"));
            monitoring.health().modelLoaded();
            try (ClipstreamService service = ClipstreamService.start(
                    config, clip, monitoring.registry(), monitoring.metrics(), monitoring.health())) {
                monitoring.serveQueries(service); // /v1/classify and /v1/label-sets on the demo's HTTP port
                return publishAndPrint(
                        config,
                        service,
                        cluster.bootstrapServers(),
                        monitoring.http().url(),
                        stop);
            }
        }
    }

    private int publishAndPrint(
            ServiceConfig config, ClipstreamService service, String bootstrap, String http, AtomicBoolean stop)
            throws Exception {
        TopologySettings topics = config.topology();
        RecordSerdes serdes = RecordSerdes.configured(config.serdeConfig());
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
                KafkaConsumer<byte[], byte[]> consumer = LocalCluster.committedReader(
                        bootstrap, List.of(topics.classificationsTopic(), topics.deadLetterTopic()))) {
            int labelCount = DemoData.LABELS.size();
            err.println("demo: publishing label set '" + DemoData.LABEL_SET + "' (" + labelCount + " labels) …");
            producer.send(new ProducerRecord<>(
                            topics.labelSetsTopic(),
                            bytes(DemoData.LABEL_SET),
                            serdes.labelSet().serializer().serialize(topics.labelSetsTopic(), DemoData.labelSet())))
                    .get();
            long t0 = System.nanoTime();
            int held = -1;
            while (held < labelCount) {
                int now = service.labels().labelsOf(DemoData.LABEL_SET);
                if (now != held) {
                    err.printf("demo: encoding label set: %d/%d labels%n", now, labelCount);
                    held = now;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.deadLetterTopic())) {
                        DeadLetter dead = serdes.deadLetter().deserializer().deserialize(r.topic(), r.value());
                        err.println("error: dead letter for " + text(r.key()) + ": " + dead.getCode() + " "
                                + dead.getMessage());
                        return 1;
                    }
                }
                if (stop.get() || (once && Instant.now().isAfter(deadline))) {
                    err.println(
                            "error: the label set was not encoded in time (" + held + "/" + labelCount + " labels)");
                    return 1;
                }
            }
            err.printf(
                    "demo: label set encoded in %.1f s; sending %d images%n",
                    seconds(t0), DemoData.images().size());
            Set<String> waiting = new LinkedHashSet<>();
            for (Map.Entry<String, byte[]> image : DemoData.images().entrySet()) {
                byte[] value = serdes.imageEvent()
                        .serializer()
                        .serialize(
                                topics.imagesTopic(), DemoData.event(image.getKey(), image.getValue(), Instant.now()));
                producer.send(new ProducerRecord<>(topics.imagesTopic(), bytes(image.getKey()), value));
                waiting.add(image.getKey());
            }
            producer.flush();
            if (!once) {
                err.println("demo: running; send more ImageEvents to topic '" + topics.imagesTopic() + "' on "
                        + bootstrap + ". Ctrl-C stops.");
            }
            ClassificationPrinter printer = new ClassificationPrinter(System.out, json);
            int failures = 0;
            boolean searchShown = false;
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String id = text(r.key());
                    if (r.topic().equals(topics.deadLetterTopic())) {
                        printer.deadLetter(
                                id, serdes.deadLetter().deserializer().deserialize(r.topic(), r.value()));
                        failures += waiting.remove(id) ? 1 : 0;
                    } else {
                        printer.classification(
                                id, serdes.classification().deserializer().deserialize(r.topic(), r.value()));
                        waiting.remove(id);
                    }
                }
                if (waiting.isEmpty() && !searchShown) {
                    searchShown = true;
                    err.println("demo: search the images classified so far: curl -s '" + searchUrl(http) + "'");
                }
                if (once && waiting.isEmpty()) {
                    return failures == 0 ? 0 : 1;
                }
                if (once && Instant.now().isAfter(deadline)) {
                    err.println("error: no classification after " + timeoutSeconds + " s for " + waiting);
                    return 1;
                }
            }
            return 0;
        }
    }

    private static void requireFree(int port, String option) throws IOException {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.getLocalPort();
        } catch (java.net.BindException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use: choose another with " + option + ", or "
                    + option + " 0 for any free port");
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        16 << 20),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
