package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.cli.Main;
import io.clipstream.model.ClipModel;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import io.clipstream.topology.RecordSerdes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/monitoring/ against a real scrape: {@code clipstream run} as its own process (as in a container) against an
 * in-process broker and registry with the tiny random model, fed a label set, images and one corrupt image, then
 * /metrics read once every meter has reported. Every metric the alert rules and the Grafana dashboard query must be
 * in that scrape, with the labels they select or group by; a renamed meter fails here instead of in production.
 */
class MonitoringRulesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path RULES = ROOT.resolve("deploy/monitoring/clipstream-alerts.yaml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/monitoring/clipstream-dashboard.json");
    private static final Duration PATIENCE = Duration.ofMinutes(3); // as RunCommandIT: busy CI hosts
    /** Series Prometheus makes itself for every target; they are never in a scrape. */
    private static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "count",
            "stddev",
            "stdvar",
            "topk",
            "bottomk",
            "quantile",
            "count_values",
            "group",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "rate",
            "irate",
            "increase",
            "delta",
            "idelta",
            "deriv",
            "histogram_quantile",
            "absent",
            "absent_over_time",
            "max_over_time",
            "min_over_time",
            "avg_over_time",
            "sum_over_time",
            "count_over_time",
            "last_over_time",
            "changes",
            "resets",
            "clamp_min",
            "clamp_max",
            "abs",
            "ceil",
            "floor",
            "round",
            "label_replace",
            "label_join",
            "vector",
            "scalar",
            "time",
            "timestamp",
            "sort",
            "sort_desc",
            "inf",
            "nan",
            "le",
            "instance",
            "job",
            "pod",
            "namespace");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    /** Labels Prometheus attaches to every series of a target (from the scrape config, not the scrape). */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "pod", "namespace");
    /** metric name → the label names it carries in the scrape. */
    private static final Map<String, Set<String>> scraped = new LinkedHashMap<>();

    private static String scrape;

    @BeforeAll
    static void scrapeARunningService() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0);
                SchemaRegistryHttpServer registry = SchemaRegistryHttpServer.start(
                        InMemorySchemaRegistry.forScope("monitoring-rules"), "127.0.0.1", 0)) {
            Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 3);
            int port = freePort();
            Path config = Files.writeString(
                    dir.resolve("clipstream.properties"),
                    String.join(
                            "\n",
                            "bootstrap.servers=" + broker.bootstrapServers(),
                            "schema.registry.url=" + registry.url(),
                            "application.id=monitoring-rules",
                            "state.dir=" + dir.resolve("state"),
                            "model.dir=" + model,
                            "http.bind.address=127.0.0.1",
                            "http.port=" + port,
                            "topics.partitions=2",
                            "topics.replication.factor=1",
                            "shutdown.timeout.ms=5000",
                            ""));
            Path log = dir.resolve("run.log");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx1g",
                            "-cp",
                            classpath,
                            Main.class.getName(),
                            "run",
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("CLIPSTREAM_"));
            Process process = builder.start();
            try {
                String base = "http://127.0.0.1:" + port;
                waitFor(
                        () -> {
                            if (!process.isAlive()) {
                                throw new AssertionError("run exited early:\n" + read(log));
                            }
                            return status(base + "/health/ready") == 200;
                        },
                        "ready; log " + log);
                ServiceConfig settings = ServiceConfig.from(
                        Map.of("bootstrap.servers", broker.bootstrapServers(), "schema.registry.url", registry.url()));
                RecordSerdes serdes = RecordSerdes.configured(settings.serdeConfig());
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(
                                    "label-sets",
                                    bytes(DemoData.LABEL_SET),
                                    serdes.labelSet().serializer().serialize("label-sets", DemoData.labelSet())))
                            .get();
                    waitFor(() -> value(scrape(base), "clipstream_labels") >= DemoData.LABELS.size(), "the labels");
                    for (Map.Entry<String, byte[]> image : DemoData.images().entrySet()) {
                        producer.send(new ProducerRecord<>(
                                "images",
                                bytes(image.getKey()),
                                serdes.imageEvent()
                                        .serializer()
                                        .serialize(
                                                "images",
                                                DemoData.event(image.getKey(), image.getValue(), Instant.now()))));
                    }
                    producer.send(new ProducerRecord<>(
                            "images",
                            bytes("corrupt"),
                            serdes.imageEvent()
                                    .serializer()
                                    .serialize(
                                            "images",
                                            DemoData.event("corrupt", bytes("not an image"), Instant.now()))));
                    producer.flush();
                }
                waitFor(
                        () -> {
                            String body = scrape(base);
                            return value(body, "clipstream_images_classified_total")
                                            >= DemoData.images().size()
                                    && value(body, "clipstream_dead_letters_total{code=\"CORRUPT_IMAGE\"") >= 1
                                    && body.contains("kafka_consumer_fetch_manager_records_lag_max{");
                        },
                        () -> "the classifications, the dead letter and the consumer's lag; scraped:\n"
                                + scrape(base)
                                        .lines()
                                        .filter(l -> l.startsWith("clipstream_images_classified_total")
                                                || l.startsWith("clipstream_dead_letters_total{") && !l.endsWith(" 0.0")
                                                || l.startsWith("kafka_consumer_fetch_manager_records_lag_max"))
                                        .reduce("", (a, b) -> a + b + "\n")
                                + "log:\n" + tail(read(log)));
                scrape = scrape(base);
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
        Files.writeString(Path.of("target", "monitoring-scrape.txt"), scrape); // for whoever edits the rules
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? ");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : scrape.lines().toList()) {
            Matcher m = sample.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> labels = scraped.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
            if (m.group(3) != null) {
                Matcher l = label.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
    }

    @Test
    void everyMetricTheAlertRulesUseIsScraped() throws Exception {
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> rule : rules()) {
            exprs.add(String.valueOf(rule.get("expr")));
        }
        assertThat(exprs).isNotEmpty();
        exprs.forEach(MonitoringRulesTest::assertScraped);
    }

    @Test
    void everyMetricTheDashboardUsesIsScraped() throws Exception {
        List<String> exprs = new ArrayList<>();
        collectExprs(new ObjectMapper().readTree(DASHBOARD.toFile()), exprs);
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(5);
        exprs.forEach(MonitoringRulesTest::assertScraped);
    }

    @Test
    void theRulesCoverLagDeadLettersReadinessMemoryAndLatency() throws Exception {
        String all = String.join(
                "\n", rules().stream().map(r -> String.valueOf(r.get("expr"))).toList());
        assertThat(all)
                .contains("kafka_consumer_fetch_manager_records_lag_max")
                .contains("clipstream_dead_letters_total")
                .contains("up{")
                .contains("clipstream_process_resident_bytes")
                .contains("histogram_quantile(0.99")
                .contains("clipstream_latency_seconds_bucket");
        for (Map<String, Object> rule : rules()) {
            assertThat(rule)
                    .as(String.valueOf(rule.get("alert")))
                    .containsKeys("alert", "expr", "for", "labels", "annotations");
            @SuppressWarnings("unchecked")
            Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
            assertThat(labels.get("severity")).isIn("warning", "critical");
            @SuppressWarnings("unchecked")
            Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
            assertThat(annotations).containsKeys("summary", "description");
        }
    }

    @Test
    void theStreamsStateRuleComparesWithRunningsOrdinalAsScraped() throws Exception {
        int running = org.apache.kafka.streams.KafkaStreams.State.RUNNING.ordinal();
        assertThat(scrape)
                .as("scraped while RUNNING")
                .containsPattern("(?m)^kafka_stream_client_state\\{[^}]*} " + running + "\\.0$");
        String expr = rules().stream()
                .filter(r -> "ClipstreamStreamsNotRunning".equals(r.get("alert")))
                .findFirst()
                .map(r -> String.valueOf(r.get("expr")))
                .orElseThrow();
        assertThat(expr).endsWith("!= " + running);
        StringBuilder ordinals = new StringBuilder();
        for (org.apache.kafka.streams.KafkaStreams.State state : org.apache.kafka.streams.KafkaStreams.State.values()) {
            ordinals.append(ordinals.isEmpty() ? "" : ", ")
                    .append(state.ordinal())
                    .append(' ')
                    .append(state);
        }
        assertThat(Files.readString(RULES)).contains(ordinals);
        assertThat(Files.readString(DASHBOARD)).contains(ordinals);
    }

    @Test
    void everyClientIdPatternMatchesAScrapedConsumer() throws Exception {
        Matcher pattern = Pattern.compile("client_id=~\\\\?\"([^\"\\\\]+)\\\\?\"")
                .matcher(Files.readString(RULES) + Files.readString(DASHBOARD));
        int found = 0;
        while (pattern.find()) {
            found++;
            Pattern clientId = Pattern.compile(pattern.group(1));
            assertThat(scrape.lines()
                            .filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag_max{"))
                            .map(l -> l.replaceAll(".*client_id=\"([^\"]*)\".*", "$1"))
                            .anyMatch(id -> clientId.matcher(id).matches()))
                    .as("a consumer matches %s", clientId)
                    .isTrue();
        }
        assertThat(found).isGreaterThanOrEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theScrapeJobIsTheJobTheRulesAndTheDashboardSelect() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES.resolveSibling("prometheus-scrape.yaml")));
        Map<String, Object> job = ((List<Map<String, Object>>) file.get("scrape_configs")).get(0);
        assertThat(job.get("job_name")).isEqualTo("clipstream");
        assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        for (Map<String, Object> rule : rules()) {
            assertThat(String.valueOf(rule.get("expr")))
                    .as(String.valueOf(rule.get("alert")))
                    .contains("job=\"" + job.get("job_name") + "\"");
        }
        assertThat(Files.readString(DASHBOARD)).contains("\"query\": \"" + job.get("job_name") + "\"");
        String statefulSet = Files.readString(ROOT.resolve("deploy/kubernetes/statefulset.yaml"));
        assertThat(statefulSet).contains("app.kubernetes.io/name: clipstream").contains("- name: http");
    }

    @Test
    void theDeadLetterCodesInTheDashboardAreTheServicesCodes() throws Exception {
        String text = Files.readString(DASHBOARD) + Files.readString(RULES);
        Matcher code = Pattern.compile("code=~?\\\\?\"([A-Z_|]+)\\\\?\"").matcher(text);
        while (code.find()) {
            for (String c : code.group(1).split("\\|")) {
                assertThat(ErrorCode.valueOf(c)).isNotNull();
            }
        }
    }

    // --- PromQL ---------------------------------------------------------------------------------------------------

    /** Every metric name in {@code expr} is in the scrape (or made by Prometheus), with the labels it names. */
    private static void assertScraped(String expr) {
        Map<String, Set<String>> used = metricsIn(expr);
        assertThat(used).as("metrics in %s", expr).isNotEmpty();
        used.forEach((metric, labels) -> {
            if (SYNTHETIC.contains(metric)) {
                return;
            }
            assertThat(scraped)
                    .as("%s (in %s) is in the scrape (target/monitoring-scrape.txt)", metric, expr)
                    .containsKey(metric);
            assertThat(scraped.get(metric))
                    .as("labels of %s in %s", metric, expr)
                    .containsAll(labels.stream()
                            .filter(l -> !TARGET_LABELS.contains(l))
                            .toList());
        });
        for (String grouping : groupingLabels(expr)) {
            assertThat(used.keySet().stream()
                            .anyMatch(
                                    m -> SYNTHETIC.contains(m) || scraped.get(m).contains(grouping)))
                    .as("some metric of %s has the label %s", expr, grouping)
                    .isTrue();
        }
    }

    /** Metric names (identifiers not followed by '(' and not PromQL words) and the labels their selectors name. */
    static Map<String, Set<String>> metricsIn(String expr) {
        String text = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
                .replaceAll("\\[[^]]*]", "") // ranges
                .replaceAll("(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "$1");
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\(|\\{([^}]*)})?")
                .matcher(text);
        int from = 0;
        while (m.find(from)) {
            from = m.end();
            String name = m.group(1);
            String before = text.substring(0, m.start());
            long braceDepth = (before.chars().filter(c -> c == '{').count()
                    - before.chars().filter(c -> c == '}').count());
            if (braceDepth > 0
                    || "(".equals(m.group(2))
                    || PROMQL_WORDS.contains(name)
                    || Character.isDigit(name.charAt(0))
                    || before.matches("(?s).*[0-9.]$")) {
                continue;
            }
            Set<String> labels = out.computeIfAbsent(name, k -> new LinkedHashSet<>());
            if (m.group(3) != null) {
                Matcher l = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)")
                        .matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    private static Set<String> groupingLabels(String expr) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\b(by|without)\\s*\\(([^)]*)\\)").matcher(expr);
        while (m.find()) {
            for (String l : m.group(2).split(",")) {
                if (!l.isBlank() && !TARGET_LABELS.contains(l.trim())) {
                    out.add(l.trim());
                }
            }
        }
        return out;
    }

    @Test
    void theMetricNameParserFindsMetricsNotFunctionsOrLabels() {
        assertThat(metricsIn("histogram_quantile(0.99, sum by (le) (rate(clipstream_latency_seconds_bucket"
                        + "{job=\"clipstream\"}[5m]))) > 5 and up{job=\"x\"} == 1"))
                .containsOnlyKeys("clipstream_latency_seconds_bucket", "up")
                .containsEntry("clipstream_latency_seconds_bucket", Set.of("job"));
        assertThat(metricsIn("sum by (code) (increase(clipstream_dead_letters_total{code!=\"FETCH_FAILED\"}[10m]))"))
                .containsOnlyKeys("clipstream_dead_letters_total");
    }

    // --- files and plumbing ---------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            out.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return out;
    }

    private static void collectExprs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectExprs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExprs(n, out));
        }
    }

    private static String scrape(String base) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The first sample whose line starts with {@code prefix} (a name, or a name and the start of its labels). */
    private static double value(String scrape, String prefix) {
        return scrape.lines()
                .filter(l -> l.startsWith(prefix + " ")
                        || l.startsWith(prefix + "{")
                        || (prefix.contains("{") && l.startsWith(prefix)))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(-1);
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        waitFor(condition, () -> what);
    }

    private static void waitFor(BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what.get());
            }
            Thread.sleep(200);
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
