package io.clipstream.cli;

import io.clipstream.service.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the client commands ({@code labels}, {@code send}, {@code tail}) find the cluster: the service's own
 * configuration ({@code --config} and {@code CLIPSTREAM_*} variables, read by {@link ServiceConfig#load} exactly as
 * {@code run} reads them), with {@code --bootstrap-server} and {@code --schema-registry-url} winning over both.
 */
final class ClusterOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The service's properties file: topic names, kafka.* client settings (TLS, SASL) and "
                    + "registry settings apply. CLIPSTREAM_* environment variables override it, as for run.")
    Path config;

    @Option(
            names = "--bootstrap-server",
            paramLabel = "HOST:PORT[,HOST:PORT…]",
            description = "Kafka brokers (overrides bootstrap.servers).")
    String bootstrapServer;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Schema registry (overrides schema.registry.url).")
    String schemaRegistryUrl;

    /** The settings, validated like the service's own; the two flags are applied as the highest-priority source. */
    ServiceConfig load() throws IOException {
        if (config != null && !Files.isRegularFile(config)) {
            throw new NoSuchFileException(config.toString());
        }
        Map<String, String> env = new HashMap<>(RunCommand.environment);
        if (bootstrapServer != null) {
            env.put("CLIPSTREAM_BOOTSTRAP_SERVERS", bootstrapServer);
        }
        if (schemaRegistryUrl != null) {
            env.put("CLIPSTREAM_SCHEMA_REGISTRY_URL", schemaRegistryUrl);
        }
        return ServiceConfig.load(config, env);
    }
}
