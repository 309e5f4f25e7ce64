package io.clipstream.service;

import io.clipstream.model.download.ModelCache;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.schemas.Redaction;
import io.clipstream.schemas.registry.RegistryClientConfig;
import io.clipstream.search.SearchSettings;
import io.clipstream.topology.StreamsSettings;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.TopologySettings.ExampleLimits;
import io.clipstream.topology.TopologySettings.FetchSettings;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of {@code clipstream run}, read from a properties file with each key overridable by an environment
 * variable ({@code CLIPSTREAM_BATCH_SIZE} for {@code batch.size}), validated all at once, and mapped onto the
 * topology's {@link StreamsSettings} and {@link TopologySettings}. Only variables that name a setting are read; other
 * {@code CLIPSTREAM_*} variables (Kubernetes' service links such as {@code CLIPSTREAM_SERVICE_HOST}) are ignored. Keys under {@value #KAFKA_PREFIX} go to the Kafka
 * clients as they are (TLS, SASL, timeouts); keys under {@value #REGISTRY_SSL_PREFIX} go to the registry client.
 *
 * @param streams          how Kafka Streams runs
 * @param topology         what the topology computes and its limits
 * @param kafka            pass-through Kafka client and streams settings (prefix removed)
 * @param registry         registry client settings beyond the URL (basic auth, TLS), Confluent key names
 * @param modelDir         the model folder
 * @param maxImagePixels   decoded images larger than this are refused before their pixels are allocated
 * @param jpegDraft        decode large JPEGs at reduced scale (faster, not open_clip's exact pixels)
 * @param maxResidentBytes resident memory above which inference asks for a collection of ND4J's garbage (0: auto)
 * @param textTowerIdle    how long the text tower stays in memory after its last use (zero: for good)
 * @param httpBindAddress  address of the health and metrics endpoints
 * @param httpPort         port of the health and metrics endpoints (0: any free port)
 * @param httpAuthToken    bearer token the query API ({@code /v1/*}) requires; empty: no token
 * @param topics           create missing topics or only check them
 * @param shutdownTimeout  how long closing may take (the batch in hand finishes and commits)
 * @param settings         the effective raw settings, for {@link #describe()}
 * @param applicationServer host:port other instances reach this one's HTTP server at (Kafka Streams'
 *                          {@code application.server}); empty: searches answer from this instance alone
 */
public record ServiceConfig(
        StreamsSettings streams,
        TopologySettings topology,
        Map<String, String> kafka,
        Map<String, String> registry,
        Path modelDir,
        long maxImagePixels,
        boolean jpegDraft,
        long maxResidentBytes,
        Duration textTowerIdle,
        String httpBindAddress,
        int httpPort,
        String httpAuthToken,
        Topics.Policy topics,
        Duration shutdownTimeout,
        Map<String, String> settings,
        String applicationServer) {

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String REGISTRY_SSL_PREFIX = "schema.registry.ssl.";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceConfig.class);
    /**
     * The variables Kubernetes injects for a Service ({@code <NAME>_SERVICE_HOST}, {@code <NAME>_SERVICE_PORT[_<port>]},
     * {@code <NAME>_PORT[_<n>_<PROTO>[_PROTO|_PORT|_ADDR]]}): never settings, even for a Service named
     * {@code clipstream-kafka}.
     */
    private static final java.util.regex.Pattern SERVICE_LINK = java.util.regex.Pattern.compile(
            "CLIPSTREAM_(?:[A-Z0-9_]+_)?(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\\d+_(?:TCP|UDP|SCTP)(?:_PROTO|_PORT|_ADDR)?)?)");
    /** Other {@code CLIPSTREAM_*} variables the program reads that are not settings of the service. */
    static final Set<String> OTHER_ENV = Set.of("CLIPSTREAM_CACHE", "CLIPSTREAM_LOG_LEVEL", "CLIPSTREAM_LOG_FORMAT");

    /** The topology's own defaults, so the two cannot disagree. */
    private static final TopologySettings D = TopologySettings.defaults();

    static final ConfigKey BOOTSTRAP =
            ConfigKey.required("bootstrap.servers", "Kafka brokers to connect to, host:port[,host:port…].");
    static final ConfigKey APPLICATION_ID = ConfigKey.of(
            "application.id",
            "clipstream",
            "Kafka Streams application id: the consumer group and prefix of internal topics; instances with the same id share the work.");
    static final ConfigKey REGISTRY_URL = ConfigKey.required(
            "schema.registry.url", "Confluent-compatible schema registry base URL(s), comma-separated.");
    static final ConfigKey REGISTRY_USER_INFO = ConfigKey.secret(
            "schema.registry.basic.auth.user.info",
            "user:password for HTTP basic auth to the registry (empty: no auth).");
    static final ConfigKey REGISTRY_BASIC_SOURCE = ConfigKey.of(
            "basic.auth.credentials.source",
            "",
            "Registry basic auth: USER_INFO (the user info setting) or URL (user:password@ in schema.registry.url); "
                    + "empty: USER_INFO when user info is set, else the URL's user info if it has some.");
    static final ConfigKey REGISTRY_BASIC_USER_INFO = ConfigKey.secret(
            "basic.auth.user.info", "Confluent's name for schema.registry.basic.auth.user.info (set either).");
    static final ConfigKey REGISTRY_BEARER_SOURCE = ConfigKey.of(
            "bearer.auth.credentials.source",
            "",
            "STATIC_TOKEN: send bearer.auth.token to the registry as Authorization: Bearer (empty: no bearer auth; "
                    + "not together with basic auth).");
    static final ConfigKey REGISTRY_BEARER_TOKEN = ConfigKey.secret(
            "bearer.auth.token", "Bearer token for the registry, with bearer.auth.credentials.source=STATIC_TOKEN.");
    static final ConfigKey AUTO_REGISTER = ConfigKey.of(
            "auto.register.schemas",
            "true",
            "Register each output record's schema under its subject on first write; false: use the schema registered "
                    + "beforehand under the subject (read-only registries), failing if there is none.");
    static final ConfigKey USE_LATEST = ConfigKey.of(
            "use.latest.version",
            "false",
            "Write with the id of the subject's latest schema (it must encode like the record's schema) instead of "
                    + "registering or looking up the record's own.");
    static final ConfigKey GUARANTEE = ConfigKey.of(
            "processing.guarantee",
            "exactly_once_v2",
            "exactly_once_v2 (every image gives exactly one output, needs brokers ≥ 2.5) or at_least_once.");
    static final ConfigKey THREADS = ConfigKey.of(
            "num.stream.threads",
            "auto",
            "Kafka Streams threads of this instance, each running its own batches through the image tower; auto: the "
                    + "CPUs the JVM may use divided by OMP_NUM_THREADS (the OpenMP threads of each batch), or 1 when "
                    + "OMP_NUM_THREADS is not set. With OMP_NUM_THREADS=1, a thread per CPU ran fastest on CPU "
                    + "(BENCHMARKS.md); give the images topic at least as many partitions as all instances' threads.");
    static final ConfigKey STATE_DIR = ConfigKey.of(
            "state.dir",
            "/tmp/clipstream-state",
            "Local state (RocksDB: image buffer, prompt cache); keep it on a volume to restart fast.");
    static final ConfigKey TOPIC_LABEL_SETS = ConfigKey.of(
            "topic.label.sets", D.labelSetsTopic(), "Input: LabelSet records keyed by set id (compacted).");
    static final ConfigKey TOPIC_LABEL_EMBEDDINGS = ConfigKey.of(
            "topic.label.embeddings",
            D.labelEmbeddingsTopic(),
            "Output and global table: LabelEmbedding records keyed <setId>/<label> (compacted).");
    static final ConfigKey TOPIC_IMAGES =
            ConfigKey.of("topic.images", D.imagesTopic(), "Input: ImageEvent records keyed by image id.");
    static final ConfigKey TOPIC_CLASSIFICATIONS = ConfigKey.of(
            "topic.classifications",
            D.classificationsTopic(),
            "Output: Classification records, same key as the image.");
    static final ConfigKey TOPIC_IMAGE_EMBEDDINGS = ConfigKey.of(
            "topic.image.embeddings",
            D.imageEmbeddingsTopic(),
            "Output: ImageEmbedding records (only when emit.image.embeddings=true).");
    static final ConfigKey TOPIC_DEAD_LETTERS = ConfigKey.of(
            "topic.dead.letters",
            D.deadLetterTopic(),
            "Output: DeadLetter records for every input that could not be processed.");
    static final ConfigKey TOPIC_FLAGGED = ConfigKey.of(
            "topic.flagged",
            D.flaggedTopic(),
            "Output: every Classification with at least one flagged label also goes here (same key, value and "
                    + "headers), for review queues; empty: off.");
    static final ConfigKey EMIT_EMBEDDINGS = ConfigKey.of(
            "emit.image.embeddings",
            String.valueOf(D.emitImageEmbeddings()),
            "Also write each image's vector to topic.image.embeddings.");
    static final ConfigKey SEARCH_ENABLED = ConfigKey.of(
            "search.enabled",
            String.valueOf(D.search().enabled()),
            "Keep a searchable window of recent image embeddings per task (half precision, changelogged; int8 copies in memory) for /v1/search and "
                    + "/v1/similar; it costs the classification path one small store write per image.");
    static final ConfigKey SEARCH_RETENTION = ConfigKey.of(
            "search.retention.ms",
            String.valueOf(D.search().retention().toMillis()),
            "An image leaves the searchable window this long after it was classified (ms).");
    static final ConfigKey SEARCH_MAX_IMAGES = ConfigKey.of(
            "search.max.images",
            String.valueOf(D.search().maxImages()),
            "… or when its task's window holds more images than this (the oldest leave first); about 600 bytes of "
                    + "memory an image plus its id, labels and attributes, per partition this instance runs.");
    static final ConfigKey BATCH_SIZE = ConfigKey.of(
            "image.batch.size",
            String.valueOf(D.batchSize()),
            "The image tower runs when this many images are buffered.");
    static final ConfigKey BATCH_WAIT = ConfigKey.of(
            "image.batch.max.wait.ms",
            String.valueOf(D.maxWait().toMillis()),
            "… or when the oldest buffered image has waited this long (ms).");
    static final ConfigKey BATCH_OVERLAP = ConfigKey.of(
            "image.batch.overlap",
            String.valueOf(D.overlapTower()),
            "Run the image tower on a worker thread so the next batch is read and decoded while it runs "
                    + "(false: on the stream thread, which reads nothing meanwhile).");
    static final ConfigKey PREPROCESS_THREADS = ConfigKey.of(
            "preprocess.threads", "0", "Threads decoding and resizing images in parallel (0: one per CPU core).");
    static final ConfigKey TOP_K = ConfigKey.of(
            "top.k",
            String.valueOf(D.defaultTopK()),
            "Labels listed per classification when the label set names no topK (each LabelSet's own topK, default 5, wins).");
    static final ConfigKey MAX_LABELS = ConfigKey.of(
            "label.set.max.labels",
            String.valueOf(D.maxLabels()),
            "Label sets with more labels are refused (INVALID_LABEL_SET dead letter).");
    static final ConfigKey MAX_PROMPT_CHARS = ConfigKey.of(
            "label.max.prompt.chars", String.valueOf(D.maxPromptChars()), "Prompts longer than this are refused.");
    static final ConfigKey MAX_PROMPTS = ConfigKey.of(
            "label.set.max.prompts",
            String.valueOf(D.maxPrompts()),
            "Label sets with more prompts in all (labels × templates, or labels' own prompts; each example image "
                    + "counts as " + LabelSetRules.EXAMPLE_PROMPTS + ") are refused "
                    + "(INVALID_LABEL_SET naming this budget): it bounds the text tower's work and the prompt cache.");
    static final ConfigKey MAX_EXAMPLES_PER_LABEL = ConfigKey.of(
            "label.max.examples",
            String.valueOf(D.examples().perLabel()),
            "Labels with more example images are refused (INVALID_LABEL_SET).");
    static final ConfigKey MAX_EXAMPLES = ConfigKey.of(
            "label.set.max.examples",
            String.valueOf(D.examples().perSet()),
            "Label sets with more example images in all are refused (INVALID_LABEL_SET); each example also counts as "
                    + LabelSetRules.EXAMPLE_PROMPTS + " prompts against label.set.max.prompts (at most "
                    + ExampleLimits.MAX_PER_SET + ").");
    static final ConfigKey MAX_IMAGE_BYTES = ConfigKey.of(
            "image.max.bytes",
            String.valueOf(D.maxImageBytes()),
            "Inline or fetched images larger than this are IMAGE_TOO_LARGE dead letters.");
    /** A decoded pixel costs about 8 bytes of heap while it is resized: 100 MP is 0.8 GB of a 2 GB heap. */
    static final int MAX_IMAGE_PIXELS_LIMIT = 100_000_000;

    static final ConfigKey MAX_IMAGE_PIXELS = ConfigKey.of(
            "image.max.pixels",
            String.valueOf(ImageDecoder.DEFAULT_MAX_PIXELS),
            "Images whose header declares more pixels are refused before decoding (at most 100000000: a decoded "
                    + "pixel costs about 8 bytes of heap).");
    static final ConfigKey JPEG_DRAFT = ConfigKey.of(
            "image.jpeg.draft",
            "false",
            "Decode a JPEG at 1/2, 1/4 or 1/8 scale when it stays at least the model's input size, as Pillow's draft "
                    + "does: several times faster on camera photos, but not open_clip's exact pixels "
                    + "(needs libjpeg-turbo).");
    static final ConfigKey FETCH_ENABLED =
            ConfigKey.of("fetch.enabled", "false", "Fetch images given by URL (off: such images are dead-lettered).");
    static final ConfigKey FETCH_HOSTS = ConfigKey.of(
            "fetch.allowed.hosts",
            "",
            "Comma-separated host names image URLs may point at (required when fetch.enabled=true).");
    static final ConfigKey FETCH_ADDRESSES = ConfigKey.of(
            "fetch.allowed.addresses",
            "",
            "Private/loopback IP addresses that are nevertheless allowed (normally empty).");
    static final ConfigKey FETCH_CONNECT = ConfigKey.of(
            "fetch.connect.timeout.ms",
            String.valueOf(D.fetch().connectTimeout().toMillis()),
            "Connect timeout for image URLs (ms); connect + read must stay well under the 10 s transaction timeout.");
    static final ConfigKey FETCH_READ = ConfigKey.of(
            "fetch.read.timeout.ms",
            String.valueOf(D.fetch().readTimeout().toMillis()),
            "Read timeout for image URLs (ms).");
    static final ConfigKey MODEL_DIR =
            ConfigKey.of("model.dir", "", "Model folder (empty: the download cache, see `clipstream download`).");
    static final ConfigKey MAX_RESIDENT = ConfigKey.of(
            "memory.max.resident.mb",
            "0",
            "Resident memory (MB) above which inference asks the JVM to collect, so ND4J's unreferenced off-heap "
                    + "arrays are freed, then trims the C heap (at most every 10 s); 0: 1.125 x the resident memory "
                    + "after the first batch (at least + 128 MB), raised when a trim shows more is held for good.");
    static final ConfigKey TEXT_IDLE = ConfigKey.of(
            "model.text.idle.ms",
            "10000",
            "How long (ms) the text tower stays in memory after its last use (label sets, text queries); then its "
                    + "weights (about 0.34 GB at full size) are freed, and read again from the model folder when next "
                    + "needed (a few seconds). Once the last label set under way is written it goes after 2 s (or "
                    + "this, if shorter) unless a query takes it. 0: keep it in memory for good.");
    static final ConfigKey HTTP_BIND = ConfigKey.of(
            "http.bind.address", "0.0.0.0", "Address of /health/live, /health/ready, /metrics and the query API /v1/.");
    static final ConfigKey HTTP_PORT =
            ConfigKey.of("http.port", "8080", "Port of the health, metrics and query endpoints (0: any free port).");
    static final ConfigKey HTTP_AUTH_TOKEN = ConfigKey.secret(
            "http.auth.token",
            "When set, the query API /v1/* answers only requests with Authorization: Bearer <token> (401 otherwise); "
                    + "/health/* and /metrics stay open. Empty: /v1/* is open to whoever reaches http.bind.address.");
    static final ConfigKey APPLICATION_SERVER = ConfigKey.of(
            "application.server",
            "",
            "host:port at which the other instances reach this instance's HTTP server (http.port), published through "
                    + "Kafka Streams' metadata so that a search asks every instance for its part; empty: searches "
                    + "answer from this instance's partitions alone (and say partial when others hold some).");
    static final ConfigKey TOPICS_CREATE = ConfigKey.of(
            "topics.create",
            "true",
            "Create missing topics at start; false: only check that they exist and fail otherwise.");
    static final ConfigKey TOPICS_PARTITIONS = ConfigKey.of(
            "topics.partitions",
            "3",
            "Partitions of each created topic; the images topic's partitions bound how many instances share the work.");
    static final ConfigKey TOPICS_REPLICATION = ConfigKey.of(
            "topics.replication.factor",
            "-1",
            "Replication factor of created topics (-1: the broker's default.replication.factor).");
    static final ConfigKey SHUTDOWN_TIMEOUT = ConfigKey.of(
            "shutdown.timeout.ms",
            "30000",
            "On SIGTERM, time allowed to finish the batch in hand, commit and close (ms).");

    /** Every key, in the order of the reference. */
    public static final List<ConfigKey> KEYS = List.of(
            BOOTSTRAP,
            APPLICATION_ID,
            REGISTRY_URL,
            REGISTRY_USER_INFO,
            REGISTRY_BASIC_SOURCE,
            REGISTRY_BASIC_USER_INFO,
            REGISTRY_BEARER_SOURCE,
            REGISTRY_BEARER_TOKEN,
            AUTO_REGISTER,
            USE_LATEST,
            GUARANTEE,
            THREADS,
            STATE_DIR,
            TOPIC_LABEL_SETS,
            TOPIC_LABEL_EMBEDDINGS,
            TOPIC_IMAGES,
            TOPIC_CLASSIFICATIONS,
            TOPIC_IMAGE_EMBEDDINGS,
            TOPIC_DEAD_LETTERS,
            TOPIC_FLAGGED,
            EMIT_EMBEDDINGS,
            SEARCH_ENABLED,
            SEARCH_RETENTION,
            SEARCH_MAX_IMAGES,
            BATCH_SIZE,
            BATCH_WAIT,
            BATCH_OVERLAP,
            PREPROCESS_THREADS,
            TOP_K,
            MAX_LABELS,
            MAX_PROMPT_CHARS,
            MAX_PROMPTS,
            MAX_EXAMPLES_PER_LABEL,
            MAX_EXAMPLES,
            MAX_IMAGE_BYTES,
            MAX_IMAGE_PIXELS,
            JPEG_DRAFT,
            FETCH_ENABLED,
            FETCH_HOSTS,
            FETCH_ADDRESSES,
            FETCH_CONNECT,
            FETCH_READ,
            MODEL_DIR,
            MAX_RESIDENT,
            TEXT_IDLE,
            HTTP_BIND,
            HTTP_PORT,
            HTTP_AUTH_TOKEN,
            APPLICATION_SERVER,
            TOPICS_CREATE,
            TOPICS_PARTITIONS,
            TOPICS_REPLICATION,
            SHUTDOWN_TIMEOUT);

    /**
     * Former names of settings, still read with a deprecation warning: {@code batch.size} is also the producer's
     * batch size in bytes, so the image batch settings took the {@code image.} prefix.
     */
    static final Map<String, String> RENAMED = Map.of(
            "batch.size",
            "image.batch.size",
            "batch.max.wait.ms",
            "image.batch.max.wait.ms",
            "batch.overlap",
            "image.batch.overlap");

    /** Kafka settings the service chooses itself (each has its own key or must not change). */
    private static final Set<String> OWNED_KAFKA_KEYS = Set.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.NUM_STREAM_THREADS_CONFIG,
            StreamsConfig.STATE_DIR_CONFIG,
            StreamsConfig.APPLICATION_SERVER_CONFIG,
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            "default.deserialization.exception.handler",
            "default.production.exception.handler",
            StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);

    /** Reads {@code file} (may be null: environment only), overrides each key from {@code env}, and validates. */
    public static ServiceConfig load(Path file, Map<String, String> env) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            for (String key : p.stringPropertyNames()) {
                values.put(key, p.getProperty(key));
                origins.put(key, file.getFileName().toString());
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> byEnvName = new TreeMap<>();
        for (ConfigKey key : KEYS) {
            byEnvName.put(key.envName(), key.name());
        }
        RENAMED.keySet().forEach(old -> byEnvName.put(ConfigKey.envName(old), old));
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith(ConfigKey.ENV_PREFIX) || OTHER_ENV.contains(var)) {
                continue;
            }
            String key = byEnvName.get(var);
            if (key == null) {
                String guess = var.substring(ConfigKey.ENV_PREFIX.length())
                        .toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '.');
                if ((guess.startsWith(KAFKA_PREFIX) || guess.startsWith(REGISTRY_SSL_PREFIX))
                        && !SERVICE_LINK.matcher(var).matches()) {
                    key = guess;
                } else {
                    // Kubernetes sets CLIPSTREAM_SERVICE_HOST, CLIPSTREAM_PORT_8080_TCP… for a Service named
                    // clipstream: variables that name no setting are not ours. The value may be a secret: not logged.
                    LOG.debug("ignoring environment variable {}: not a setting of clipstream", var);
                    continue;
                }
            }
            values.put(key, e.getValue());
            origins.put(key, var);
        }
        return from(values, origins, problems, env.get("OMP_NUM_THREADS"));
    }

    /** Moves each setting given under a former name to its new name, with a warning; the new name wins. */
    private static void renameDeprecated(Map<String, String> values, Map<String, String> origins) {
        for (Map.Entry<String, String> e : RENAMED.entrySet()) {
            String value = values.remove(e.getKey());
            if (value == null) {
                continue;
            }
            String origin = origins.remove(e.getKey());
            if (values.containsKey(e.getValue())) {
                LOG.warn(
                        "setting {}{} is ignored: {} is set too (the new name of the same setting)",
                        e.getKey(),
                        origin == null ? "" : " (from " + origin + ")",
                        e.getValue());
            } else {
                LOG.warn(
                        "setting {}{} is deprecated: it is read as {}",
                        e.getKey(),
                        origin == null ? "" : " (from " + origin + ")",
                        e.getValue());
                values.put(e.getValue(), value);
                if (origin != null) {
                    origins.put(e.getValue(), origin);
                }
            }
        }
    }

    /** Validates raw settings (key → value) given in code, as the demo does. */
    public static ServiceConfig from(Map<String, String> values) {
        return from(values, Map.of(), new ArrayList<>(), System.getenv("OMP_NUM_THREADS"));
    }

    /** {@code ompNumThreads}: the environment's OMP_NUM_THREADS, which num.stream.threads=auto divides the CPUs by. */
    private static ServiceConfig from(
            Map<String, String> given, Map<String, String> givenOrigins, List<String> problems, String ompNumThreads) {
        Map<String, String> values = new LinkedHashMap<>(given);
        Map<String, String> origins = new LinkedHashMap<>(givenOrigins);
        renameDeprecated(values, origins);
        SettingsReader r = new SettingsReader(values, origins);
        Set<String> known = new HashSet<>();
        KEYS.forEach(k -> known.add(k.name()));
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> registry = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            String key = e.getKey();
            if (key.startsWith(KAFKA_PREFIX)) {
                String kafkaKey = key.substring(KAFKA_PREFIX.length());
                if (OWNED_KAFKA_KEYS.contains(kafkaKey)) {
                    r.problem(key, "set by clipstream itself" + ownKeyHint(kafkaKey));
                } else if (!isKafkaClientKey(kafkaKey)) {
                    r.problem(key, "'" + kafkaKey + "' is not a Kafka Streams, consumer, producer or admin setting");
                }
                kafka.put(kafkaKey, e.getValue().trim());
            } else if (key.startsWith(REGISTRY_SSL_PREFIX)) {
                registry.put(key, e.getValue().trim());
            } else if (!known.contains(key)) {
                r.problem(key, "not a setting of clipstream (see docs/configuration.md)");
            }
        }
        String registryUrl = r.string(REGISTRY_URL);
        registryAuth(r, registryUrl, registry);
        registry.put(AUTO_REGISTER.name(), String.valueOf(r.bool(AUTO_REGISTER)));
        registry.put(USE_LATEST.name(), String.valueOf(r.bool(USE_LATEST)));
        for (String url : registryUrl.split(",")) {
            if (!registryUrl.isEmpty() && !url.trim().matches("(https?|mock)://.+")) {
                r.problem(
                        REGISTRY_URL.name(),
                        "expected http://, https:// (or mock:// in tests), got '" + Redaction.text(url.trim()) + "'");
            }
        }
        String bootstrap = r.string(BOOTSTRAP);
        for (String server : bootstrap.split(",")) {
            if (!bootstrap.isEmpty() && !server.trim().matches("[^\\s:]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
                r.problem(BOOTSTRAP.name(), "expected host:port, got '" + withoutUserInfo(server.trim()) + "'");
            }
        }
        String applicationId = r.string(APPLICATION_ID);
        if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
            r.problem(APPLICATION_ID.name(), "only letters, digits, '.', '_' and '-' (it prefixes topic names)");
        }
        boolean exactlyOnce =
                r.oneOf(GUARANTEE, "exactly_once_v2", "at_least_once").equals("exactly_once_v2");
        int threads = r.string(THREADS).equals("auto")
                ? autoStreamThreads(Runtime.getRuntime().availableProcessors(), ompNumThreads)
                : r.integer(THREADS, 1, 64);
        Path stateDir = r.path(STATE_DIR);

        String labelSets = r.topic(TOPIC_LABEL_SETS);
        String labelEmbeddings = r.topic(TOPIC_LABEL_EMBEDDINGS);
        String images = r.topic(TOPIC_IMAGES);
        String classifications = r.topic(TOPIC_CLASSIFICATIONS);
        String imageEmbeddings = r.topic(TOPIC_IMAGE_EMBEDDINGS);
        String deadLetters = r.topic(TOPIC_DEAD_LETTERS);
        String flagged = r.string(TOPIC_FLAGGED).isEmpty() ? "" : r.topic(TOPIC_FLAGGED);
        List<String> topicNames = new ArrayList<>(
                List.of(labelSets, labelEmbeddings, images, classifications, imageEmbeddings, deadLetters));
        if (!flagged.isEmpty()) {
            topicNames.add(flagged);
        }
        if (new HashSet<>(topicNames).size() != topicNames.size()) {
            r.problem("topic.*", "every topic needs its own name, got " + topicNames);
        }
        boolean emit = r.bool(EMIT_EMBEDDINGS);
        SearchSettings search = new SearchSettings(
                r.bool(SEARCH_ENABLED), r.millis(SEARCH_RETENTION, 1), r.integer(SEARCH_MAX_IMAGES, 1, 100_000_000));
        int batchSize = r.integer(BATCH_SIZE, 1, 1024);
        Duration batchWait = r.millis(BATCH_WAIT, 1);
        boolean overlap = r.bool(BATCH_OVERLAP);
        int preprocess = r.integer(PREPROCESS_THREADS, 0, 256);
        int topK = r.integer(TOP_K, 1, 1000);
        int maxLabels = r.integer(MAX_LABELS, 1, 1_000_000);
        int maxPrompt = r.integer(MAX_PROMPT_CHARS, 1, 100_000);
        int maxPrompts = r.integer(MAX_PROMPTS, 1, 100_000_000);
        int examplesPerLabel = r.integer(MAX_EXAMPLES_PER_LABEL, 0, ExampleLimits.MAX_PER_SET);
        int examples = r.integer(MAX_EXAMPLES, 0, ExampleLimits.MAX_PER_SET);
        long maxBytes = r.longValue(MAX_IMAGE_BYTES, 1);
        long maxPixels = r.integer(MAX_IMAGE_PIXELS, 1, MAX_IMAGE_PIXELS_LIMIT);
        boolean jpegDraft = r.bool(JPEG_DRAFT);
        boolean fetch = r.bool(FETCH_ENABLED);
        Set<String> hosts = r.list(FETCH_HOSTS);
        Set<String> addresses = r.list(FETCH_ADDRESSES);
        if (fetch && hosts.isEmpty()) {
            r.problem(FETCH_HOSTS.name(), "fetch.enabled=true needs at least one allowed host");
        }
        Duration connect = r.millis(FETCH_CONNECT, 1);
        Duration read = r.millis(FETCH_READ, 1);
        String modelText = r.string(MODEL_DIR);
        Path modelDir = modelText.isEmpty() ? ModelCache.defaultModelDir() : r.path(MODEL_DIR);
        long maxResident = r.longValue(MAX_RESIDENT, 0);
        Duration textIdle = r.millis(TEXT_IDLE, 0);
        String bind = r.string(HTTP_BIND);
        int port = r.integer(HTTP_PORT, 0, 65535);
        String authToken = r.string(HTTP_AUTH_TOKEN);
        if (!authToken.matches("[\\x21-\\x7e]*")) {
            r.problem(HTTP_AUTH_TOKEN.name(), "only visible ASCII characters, no spaces (it is sent in a header)");
        }
        String applicationServer = r.string(APPLICATION_SERVER);
        if (!applicationServer.isEmpty()
                && !applicationServer.matches("[^\\s:/@]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
            r.problem(APPLICATION_SERVER.name(), "expected host:port, got '" + Redaction.text(applicationServer) + "'");
        }
        boolean create = r.bool(TOPICS_CREATE);
        int partitions = r.integer(TOPICS_PARTITIONS, 1, 10_000);
        int replication = r.integer(TOPICS_REPLICATION, -1, Short.MAX_VALUE);
        if (replication == 0) {
            r.problem(TOPICS_REPLICATION.name(), "must be -1 (broker default) or at least 1, got 0");
        }
        Duration shutdown = r.millis(SHUTDOWN_TIMEOUT, 0);

        problems.addAll(r.problems());
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        StreamsSettings streams =
                new StreamsSettings(applicationId, bootstrap, registryUrl, exactlyOnce, threads, stateDir, deadLetters);
        TopologySettings topology = new TopologySettings(
                        labelSets,
                        labelEmbeddings,
                        images,
                        classifications,
                        imageEmbeddings,
                        deadLetters,
                        emit,
                        batchSize,
                        batchWait,
                        overlap,
                        preprocess == 0 ? Runtime.getRuntime().availableProcessors() : preprocess,
                        topK,
                        maxLabels,
                        maxPrompt,
                        maxBytes,
                        new FetchSettings(fetch, hosts, addresses, connect, read))
                .withMaxPrompts(maxPrompts)
                .withFlaggedTopic(flagged)
                .withExampleLimits(new ExampleLimits(examplesPerLabel, examples))
                .withSearch(search);
        Map<String, String> effective = new TreeMap<>();
        for (ConfigKey key : KEYS) {
            effective.put(key.name(), values.getOrDefault(key.name(), key.defaultValue()));
        }
        values.forEach((k, v) -> effective.putIfAbsent(k, v));
        return new ServiceConfig(
                streams,
                topology,
                Map.copyOf(kafka),
                Map.copyOf(registry),
                modelDir,
                maxPixels,
                jpegDraft,
                Math.min(maxResident, Long.MAX_VALUE >> 20) << 20,
                textIdle,
                bind,
                port,
                authToken,
                new Topics.Policy(create, partitions, (short) replication),
                shutdown,
                effective,
                applicationServer);
    }

    /**
     * {@code num.stream.threads=auto}: as many stream threads as batches the CPUs can run at once, each on
     * {@code OMP_NUM_THREADS} OpenMP threads; 1 when that is not set (OpenMP then uses every core for one batch).
     */
    public static int autoStreamThreads(int cpus, String ompNumThreads) {
        int perBatch;
        try {
            perBatch = Integer.parseInt(ompNumThreads == null ? "" : ompNumThreads.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
        return perBatch < 1 ? 1 : Math.max(1, Math.min(64, cpus / perBatch));
    }

    /**
     * Registry basic or bearer auth under Confluent's keys, checked as the registry client will read them: basic from
     * user info or the URL, or a static bearer token, not both.
     */
    private static void registryAuth(SettingsReader r, String registryUrl, Map<String, String> registry) {
        String userInfo = r.string(REGISTRY_USER_INFO);
        String confluentUserInfo = r.string(REGISTRY_BASIC_USER_INFO);
        if (!userInfo.isEmpty() && !confluentUserInfo.isEmpty() && !userInfo.equals(confluentUserInfo)) {
            r.problem(REGISTRY_BASIC_USER_INFO.name(), "differs from " + REGISTRY_USER_INFO.name() + ": set only one");
        }
        String userInfoKey = userInfo.isEmpty() ? REGISTRY_BASIC_USER_INFO.name() : REGISTRY_USER_INFO.name();
        userInfo = userInfo.isEmpty() ? confluentUserInfo : userInfo;
        String basicSource = r.string(REGISTRY_BASIC_SOURCE);
        String bearerSource = r.string(REGISTRY_BEARER_SOURCE);
        String token = r.string(REGISTRY_BEARER_TOKEN);
        boolean urlHasUserInfo = registryUrl.matches("(?s).*://[^/@]+@.*");
        if (!List.of("", "USER_INFO", "URL").contains(basicSource)) {
            r.problem(REGISTRY_BASIC_SOURCE.name(), "expected USER_INFO or URL, got '" + basicSource + "'");
        } else if (basicSource.equals("URL") && !urlHasUserInfo) {
            r.problem(REGISTRY_BASIC_SOURCE.name(), "URL needs user:password@ in " + REGISTRY_URL.name());
        } else if (basicSource.equals("USER_INFO") && userInfo.isEmpty()) {
            r.problem(
                    REGISTRY_BASIC_SOURCE.name(), "USER_INFO needs " + REGISTRY_USER_INFO.name() + " (user:password)");
        }
        if (!userInfo.isEmpty() && !userInfo.contains(":")) {
            r.problem(userInfoKey, "expected user:password");
        }
        if (!bearerSource.isEmpty() && !bearerSource.equals("STATIC_TOKEN")) {
            r.problem(REGISTRY_BEARER_SOURCE.name(), "only STATIC_TOKEN is supported, got '" + bearerSource + "'");
        } else if (bearerSource.equals("STATIC_TOKEN") && token.isEmpty()) {
            r.problem(REGISTRY_BEARER_TOKEN.name(), "required with " + REGISTRY_BEARER_SOURCE.name() + "=STATIC_TOKEN");
        } else if (bearerSource.isEmpty() && !token.isEmpty()) {
            r.problem(
                    REGISTRY_BEARER_TOKEN.name(),
                    "needs " + REGISTRY_BEARER_SOURCE.name() + "=STATIC_TOKEN to be sent");
        }
        boolean bearer = bearerSource.equals("STATIC_TOKEN");
        if (bearer && (!userInfo.isEmpty() || !basicSource.isEmpty())) {
            r.problem(
                    REGISTRY_BEARER_SOURCE.name(),
                    "the registry takes one Authorization header: configure basic " + "auth or bearer auth, not both");
        }
        if (bearer) {
            registry.put(RegistryClientConfig.BEARER_AUTH_SOURCE, "STATIC_TOKEN");
            registry.put(RegistryClientConfig.BEARER_AUTH_TOKEN, token);
        } else if (basicSource.equals("URL")) {
            registry.put(RegistryClientConfig.BASIC_AUTH_SOURCE, "URL");
        } else if (!userInfo.isEmpty()) {
            registry.put(RegistryClientConfig.BASIC_AUTH_SOURCE, "USER_INFO");
            registry.put(RegistryClientConfig.BASIC_AUTH_USER_INFO, userInfo);
        }
    }

    /** The registry serde settings: the URL plus auth and TLS. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new LinkedHashMap<>(streams.serdeConfig());
        config.putAll(registry);
        return config;
    }

    /** The Kafka Streams configuration: the topology's choices, the registry settings, then the pass-through keys. */
    public Properties streamsProperties() {
        Properties p = streams.toProperties();
        p.putAll(registry);
        p.putAll(kafka);
        if (!applicationServer.isEmpty()) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        return p;
    }

    /** Settings for the admin client that creates or checks topics: bootstrap plus the pass-through keys. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        Set<String> adminKeys = AdminClientConfig.configNames();
        kafka.forEach((k, v) -> {
            if (adminKeys.contains(k)) {
                config.put(k, v);
            } else if (k.startsWith("admin.")) {
                config.put(k.substring("admin.".length()), v);
            }
        });
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, streams.bootstrapServers());
        return config;
    }

    /** Every effective setting as {@code key=value} lines, secrets replaced by {@code [hidden]}: safe to log. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        Set<String> secret = new HashSet<>();
        KEYS.stream().filter(ConfigKey::secret).forEach(k -> secret.add(k.name()));
        settings.forEach((k, v) -> {
            boolean hide = secret.contains(k) && v != null && !v.isEmpty();
            lines.add(k + "=" + (hide ? Redaction.HIDDEN : Redaction.value(k, v)));
        });
        return lines;
    }

    @Override
    public String toString() {
        return "ServiceConfig" + describe();
    }

    /** {@code user:pw@host:9092} as {@code [hidden]@host:9092}: a bootstrap address has no place for credentials. */
    private static String withoutUserInfo(String server) {
        int at = server.lastIndexOf('@');
        return Redaction.text(at < 0 ? server : Redaction.HIDDEN + server.substring(at));
    }

    private static boolean isKafkaClientKey(String key) {
        for (String prefix : List.of(
                "main.consumer.",
                "restore.consumer.",
                "global.consumer.",
                "consumer.",
                "producer.",
                "admin.",
                "topic.")) {
            if (key.startsWith(prefix)) {
                return prefix.equals("topic.") || isKafkaClientKey(key.substring(prefix.length()));
            }
        }
        return StreamsConfig.configDef().names().contains(key)
                || ConsumerConfig.configNames().contains(key)
                || ProducerConfig.configNames().contains(key)
                || AdminClientConfig.configNames().contains(key);
    }

    private static String ownKeyHint(String kafkaKey) {
        return switch (kafkaKey) {
            case StreamsConfig.APPLICATION_ID_CONFIG -> ": use application.id";
            case StreamsConfig.BOOTSTRAP_SERVERS_CONFIG -> ": use bootstrap.servers";
            case StreamsConfig.PROCESSING_GUARANTEE_CONFIG -> ": use processing.guarantee";
            case StreamsConfig.NUM_STREAM_THREADS_CONFIG -> ": use num.stream.threads";
            case StreamsConfig.STATE_DIR_CONFIG -> ": use state.dir";
            case StreamsConfig.APPLICATION_SERVER_CONFIG -> ": use application.server";
            default -> " (the dead-letter handlers and serdes depend on it)";
        };
    }
}
