package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.schemas.Redaction;
import io.clipstream.service.ClipstreamService;
import io.clipstream.service.InvalidConfigException;
import io.clipstream.service.KafkaClientFailure;
import io.clipstream.service.Monitoring;
import io.clipstream.service.ProcessEnvironment;
import io.clipstream.service.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run}: the service against a real cluster. Reads and validates the configuration (all problems at once, exit
 * 2), serves health and metrics, loads the model, creates or checks topics, runs Kafka Streams until SIGTERM, then
 * closes them so the batch in hand finishes and commits.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the service against a Kafka cluster and schema registry.",
            "Every key of the properties file can be overridden by an environment variable: CLIPSTREAM_ + the key "
                    + "upper-cased with '.' as '_' (image.batch.size -> CLIPSTREAM_IMAGE_BATCH_SIZE). Keys are listed in "
                    + "docs/configuration.md. Exit codes: 143 stopped by SIGTERM (the batch in hand finished and committed), "
                    + "1 failed, 2 invalid configuration."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    /** Tests replace the environment; the real command reads the process's. */
    static Map<String, String> environment = System.getenv();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with the service's settings (optional: the environment alone may do).")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (config != null && !Files.isRegularFile(config)) {
            System.err.println("error: no configuration file at " + config);
            return 2;
        }
        ServiceConfig settings;
        try {
            settings = ServiceConfig.load(config, environment);
        } catch (InvalidConfigException e) {
            System.err.println("error: " + Redaction.text(e.getMessage()));
            return 2;
        }
        settings.describe().forEach(line -> LOG.info("setting {}", line));
        try (Monitoring monitoring =
                Monitoring.start(settings.httpBindAddress(), settings.httpPort(), settings.httpAuthToken())) {
            LOG.info(
                    "health and metrics on {} (/health/live, /health/ready, /metrics); query API under /v1/ ({})",
                    monitoring.http().url(),
                    settings.httpAuthToken().isEmpty() ? "open: no http.auth.token" : "bearer token required");
            Path modelDir = settings.modelDir();
            if (!Files.isDirectory(modelDir)) {
                System.err.println("error: no model at " + modelDir + ": run `clipstream download` or set model.dir");
                return 1;
            }
            // What the native libraries read from the process's own environment when they load.
            Map<String, String> processEnv = System.getenv();
            LOG.info(
                    "native threads: OMP_NUM_THREADS={} OMP_WAIT_POLICY={} OPENBLAS_CORETYPE={}{}",
                    processEnv.getOrDefault("OMP_NUM_THREADS", "unset"),
                    processEnv.getOrDefault("OMP_WAIT_POLICY", "unset"),
                    processEnv.getOrDefault("OPENBLAS_CORETYPE", "unset"),
                    processEnv.containsKey("OPENBLAS_CORETYPE")
                            ? ""
                            : " (on CPUs newer than ND4J's OpenBLAS 0.3.19 it falls back to generic kernels: see README, Scaling)");
            String malloc = ProcessEnvironment.missing(processEnv::get);
            if (!malloc.isEmpty()) {
                LOG.warn(
                        "the process started without {}: freed native memory may stay resident (0.2-0.4 GB more in "
                                + "a flood); the Docker images set it (see README, Scaling)",
                        malloc);
            }
            LOG.info("loading model from {}", modelDir);
            ClipModel model = ClipModel.load(modelDir, imageDecoder(settings), settings.textTowerIdle());
            model.limitResidentMemory(settings.maxResidentBytes());
            monitoring.watchMemoryCollections(model, ClipModel::memoryCollections);
            monitoring.watchTextTower(model, ClipModel::textTowerLoaded);
            monitoring.health().modelLoaded();
            ClipstreamService service;
            try {
                service = ClipstreamService.start(
                        settings, model, monitoring.registry(), monitoring.metrics(), monitoring.health());
            } catch (KafkaException e) {
                // A wrong TLS/SASL setting shows only when a client is created; say which setting and why.
                KafkaClientFailure failure = KafkaClientFailure.ifCreation(e, settings);
                if (failure == null) {
                    throw e;
                }
                LOG.debug("Kafka client creation failed", e);
                System.err.println("error: " + failure.getMessage());
                return 2;
            }
            monitoring.serveQueries(service);
            AtomicBoolean signalled = new AtomicBoolean();
            Thread hook = new Thread(
                    () -> {
                        signalled.set(true);
                        LOG.info("stop requested: finishing the batch in hand, committing, closing");
                        service.close();
                    },
                    "clipstream-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                service.awaitStop(Duration.ofDays(365_000));
            } catch (InterruptedException e) {
                // Run in-process (tests, an embedding program): an interrupt stops it like SIGTERM does.
                Runtime.getRuntime().removeShutdownHook(hook);
                LOG.info("interrupted: finishing the batch in hand, committing, closing");
                service.close();
                Thread.currentThread().interrupt();
                return 0;
            }
            if (!signalled.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
                service.close();
                LOG.error("Kafka Streams stopped in state {}", service.state());
                return 1;
            }
            return 0;
        }
    }

    /** The decoder the settings ask for: limits, and drafts of large JPEGs where libjpeg-turbo can make them. */
    static ImageDecoder imageDecoder(ServiceConfig settings) {
        ImageDecoder decoder = new ImageDecoder(settings.topology().maxImageBytes(), settings.maxImagePixels())
                .withJpegDraft(settings.jpegDraft());
        if (settings.jpegDraft() && !decoder.jpegDraft()) {
            LOG.warn("image.jpeg.draft=true has no effect: it needs libjpeg-turbo (libturbojpeg.so.0), which was not "
                    + "found; JPEGs decode at full size");
        }
        return decoder;
    }
}
